"""pureml/data"""

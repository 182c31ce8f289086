"""pureml/web"""

"""pureml/parallel"""

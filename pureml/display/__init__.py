"""pureml/display"""

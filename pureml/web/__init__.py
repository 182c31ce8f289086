"""``pureml serve``: a page to draw digits on, and the network's answers.

    httpd      the HTTP plumbing: a threading server no client can hold, JSON errors
    server     the page and the JSON API, on a loaded model
    page.html  the page itself: plain JavaScript, no CDN, no build step
"""

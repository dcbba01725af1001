"""gunicorn's settings for production: ``gunicorn -c python:tuoyu.gunicorn_conf tuoyu.wsgi``.

Workers and threads follow the machine's cores (WEB_WORKERS and WEB_THREADS override them); a request still
running after 30 s is cut off, so a client that has gone does not hold a worker.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # a worker is replaced now and then, so no slow leak grows without end
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

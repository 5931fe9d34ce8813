"""Live classes: a teacher's page drives the pages of up to 500 students over WebSockets.

`routes` is the HTTP and WebSocket surface, `hub` runs each connection and fans messages out,
`protocol` defines the messages, `store` keeps classes in this process and `redis_store` keeps
them in Redis (when REDIS_URL is set) so that several workers or instances serve one class.
"""

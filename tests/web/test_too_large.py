"""A request over MAX_UPLOAD_MB, on any page: the 413 page reaches the phone over a real
socket (the body is read and dropped first, or the server's close resets the connection
and the phone shows a network error instead)."""
from __future__ import annotations

import http.client
import threading

from werkzeug.serving import make_server


def test_over_a_real_socket_the_413_page_of_any_form_is_read(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        boundary = "----upload"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; "
                f"filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() \
            + b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        conn.request("POST", "/manage/backfill", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = conn.getresponse()
        page = response.read().decode()
        assert response.status == 413
        assert "文件太大" in page and "合计不能超过10 MB" in page
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

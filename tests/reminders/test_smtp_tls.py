"""E-mail over STARTTLS and over SSL (SMTPS) to a real aiosmtpd server with its own
certificate: sent when the certificate is trusted (SMTP_CA_FILE), refused when not."""
from __future__ import annotations

import ssl
from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.reminders.servers import SmtpServer, free_port
from tracker.reminders.channels import ChannelError, EmailSender, Message


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 (cert.pem doubles as the CA file)."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
                ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


def _tls_server(mode: str, context: ssl.SSLContext) -> tuple[SmtpServer, Controller]:
    inbox = SmtpServer()  # its handler and mail list; a TLS controller of our own
    port = free_port()
    if mode == "ssl":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context,
                                server_hostname="127.0.0.1")
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True)
    controller.start()
    inbox.port = port
    return inbox, controller


def _sender(mode: str, port: int, ca_file) -> EmailSender:
    return EmailSender({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": mode,
                        "SMTP_USER": None, "SMTP_PASSWORD": None,
                        "SMTP_FROM": "tracker@example.org", "REMINDER_HTTP_TIMEOUT": 5,
                        "SMTP_CA_FILE": str(ca_file) if ca_file else None})


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_encrypted_smtp_with_a_trusted_certificate(certificate, mode):
    cert_file, context = certificate
    inbox, controller = _tls_server(mode, context)
    try:
        _sender(mode, inbox.port, cert_file).send(
            "ann@example.org", Message("请确认服务时长：楼道清理", "请确认。"))
        untrusted = _sender(mode, inbox.port, None)
        with pytest.raises(ChannelError, match="SMTP"):
            untrusted.send("ann@example.org", Message("不该送达", "x"))
    finally:
        controller.stop()
    assert [(m.to, m.subject) for m in inbox.mails] == [(["ann@example.org"],
                                                          "请确认服务时长：楼道清理")]

"""Login, remember-me and logout as a phone browser sees them."""


def test_remember_me_cookie_is_set_at_login_and_deleted_at_logout(client, world):
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": "Gongjian-2026", "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None

    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None
    # Logged out for real: a member page sends us to the login page again.
    assert "/auth/login" in client.get("/tasks/mine").headers["Location"]


def test_wrong_password_keeps_phone_and_says_so_in_chinese(client, world):
    response = client.post("/auth/login", data={"phone": world.member.phone, "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "手机号或密码不正确。" in page
    assert world.member.phone in page


def test_deactivated_member_cannot_log_in(client, world, app):
    from tracker.extensions import db

    world.member.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": "Gongjian-2026"})
    assert response.status_code == 200
    assert "手机号或密码不正确。" in response.get_data(as_text=True)


def test_change_password(client, world, login):
    login(world.member)
    response = client.post("/auth/password", data={
        "current": "Gongjian-2026", "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    login(world.member, "Qingshan-River-9")


def test_change_password_refuses_a_common_one(client, world, login):
    login(world.member)
    response = client.post("/auth/password", data={
        "current": "Gongjian-2026", "new_password": "12345678", "confirm": "12345678"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "密码太常见或太简单" in page

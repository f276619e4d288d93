def test_login_page_renders_in_chinese(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert "登录" in response.get_data(as_text=True)


def test_member_who_owes_nothing_lands_on_open_tasks(client, world, login):
    login(world.other_member)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tasks/")


def test_member_who_owes_something_lands_on_the_todo_list(client, world, login):
    login(world.member)  # on a task that ended yesterday: hours to confirm
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tasks/todo")

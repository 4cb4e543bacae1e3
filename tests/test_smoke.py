from conftest import login


def test_sign_in_reaches_start_page(client, world):
    response = login(client, world["coordinator_a"])
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Regio A" in page.get_data(as_text=True)
    assert "Regio B" not in page.get_data(as_text=True)

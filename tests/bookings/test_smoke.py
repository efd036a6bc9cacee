def test_booking_through_api(teacher_client, school_class, slot):
    response = teacher_client.post(
        "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "confirmed"

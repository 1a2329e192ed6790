"""Cancel desk for the TikTok Shop client (requests are signed with shop_cipher)."""


class CancelDesk:
    def __init__(self, client):
        self.client = client

    def accept(self, cancel_id):
        self.client.approve_cancellation(cancel_id)

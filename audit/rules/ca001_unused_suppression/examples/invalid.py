"""Cancel desk for the TikTok Shop client (requests are signed with shop_cipher)."""


class CancelDesk:
    def __init__(self, client):
        self.client = client

    def accept(self, cancel_id):
        # The reject call this comment was written for is long gone.
        self.client.approve_cancellation(cancel_id)  # cancel-audit: ignore[CA101] # expect: CA001

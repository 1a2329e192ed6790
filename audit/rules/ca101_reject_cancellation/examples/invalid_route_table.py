"""The shop's route table: every TikTok Shop call goes through ROUTES[name]."""

ROUTES = {
    "orders": "/order/202309/orders/search",
    "reject": "/return_refund/202309/cancellations/{cancel_id}/reject",  # expect: CA101
}

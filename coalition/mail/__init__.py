"""Mail: an outbox written in the transaction that causes a message, and its delivery."""

"""The desk in the admin: admin classes, forms, filters, version diff, copy desk, tag clean-up."""

"""Helpers of sales_pipeline that are not models: row locks, the bulk insert of customers,
window actions, reading spreadsheets, phone numbers without separators. Its sibling modules
import them from here too."""

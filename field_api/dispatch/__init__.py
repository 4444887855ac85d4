"""Dispatch: turn work items and crews into routing inputs, store plans, publish batches."""

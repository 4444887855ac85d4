"""Office work: the collection policy, work generation, work items, payments and agreements."""

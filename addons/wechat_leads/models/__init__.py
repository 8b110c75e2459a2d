# Models arrive with the module's issue.

"""The home of each role after signing in: small panels, each reading through its app's selectors."""

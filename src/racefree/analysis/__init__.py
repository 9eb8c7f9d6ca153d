"""Program-wide reasoning: entry points, reachability, locks held, which accesses may race."""

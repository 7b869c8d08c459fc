package config

// httpLimits checks the listener's connection limits ([limits]
// max_http_*, reserved_*).
func (c *checker) httpLimits(l Limits) {
	p := func(name string) path { return key("limits", name) }
	c.atLeast1(p("max_http_connections_per_ip"), l.MaxHTTPConnectionsPerIP)
	if l.MaxHTTPConnectionsPerIP >= 1 && l.MaxHTTPConnectionsPerIP <= l.MaxConnectionsPerIP {
		c.failf(p("max_http_connections_per_ip"), "must be more than limits.max_connections_per_ip (%d): every visitor socket is an HTTP connection, and the page and API need some too (got %d)",
			l.MaxConnectionsPerIP, l.MaxHTTPConnectionsPerIP)
	}
	if l.MaxHTTPConnections < 0 {
		c.failf(p("max_http_connections"), "must be 0 (as many as the open-file limit allows) or more (got %d)", l.MaxHTTPConnections)
	}
	c.atLeast1(p("reserved_connections"), l.ReservedConnections)
	if l.ReservedDescriptors < 0 {
		c.failf(p("reserved_descriptors"), "must be 0 or more (got %d)", l.ReservedDescriptors)
	}
}

"""agentplatform.sse against the WHATWG HTML rules for interpreting an event stream."""

package io.toolace.stream.llm.simulator;

/** What can go wrong with one simulated call, as it goes wrong with real LLM servers. */
public enum Fault {
    /** HTTP 429 with {@code Retry-After}, as a server over its rate limit answers. */
    RATE_LIMITED,
    /** HTTP 500 with OpenAI's error JSON. */
    SERVER_ERROR,
    /** No answer until the client gives up (or the simulator's hold time ends, then the connection closes). */
    TIMEOUT,
    /** The connection closes without a response. */
    RESET,
    /** HTTP 200 whose message content is not valid JSON. */
    MALFORMED,
    /** HTTP 200 whose content is cut off, with {@code finish_reason: "length"}. */
    TRUNCATED
}

package io.toolace.stream.llm;

import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;

/**
 * A backend that {@linkplain LlmBackend#answersInline() answers inline}, asked on a stage's own stream thread:
 * no request record, no gateway, no reply record. The turn loop then runs a whole dialog in one processing
 * step, and the judges run in the rule layer's, where the gateway path writes and reads about a hundred records
 * per dialog. The calls are counted in the gateway's metrics, so progress lines and dashboards read the same;
 * no {@code llm.usage} record is written, as nothing is paid.
 */
public final class InlineLlm {

    private final LlmBackend backend;
    private final LlmAccounting accounting;

    public InlineLlm(final LlmBackend backend, final PriceTable prices) {
        if (!backend.answersInline()) {
            throw new IllegalArgumentException("the " + backend.name() + " backend cannot answer inline: it calls a"
                    + " server, so its calls go through the gateway; inline answers are for the procedural backend");
        }
        this.backend = backend;
        this.accounting = new LlmAccounting(prices);
    }

    public LlmReply ask(final LlmRequest request) {
        final LlmReply reply = backend.answerInline(request);
        accounting.count(reply);
        return reply;
    }
}

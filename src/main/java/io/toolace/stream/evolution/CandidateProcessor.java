package io.toolace.stream.evolution;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the evolution agent's answer into API candidates, keyed by the normalised-signature hash the
 * pipeline computes itself (never the agent's claim), so exact duplicates meet in one pool task.
 */
final class CandidateProcessor implements Processor<String, LlmReply, String, ApiDefinition> {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateProcessor.class);

    private ProcessorContext<String, ApiDefinition> context;
    private KeyValueStore<String, Integer> done;

    @Override
    public void init(final ProcessorContext<String, ApiDefinition> context) {
        this.context = context;
        this.done = context.getStateStore(EvolutionStage.DONE_STORE);
    }

    @Override
    public void process(final Record<String, LlmReply> record) {
        final LlmReply reply = record.value();
        if (!(reply.getRequest().getPayload() instanceof ApiGenerationInput)) {
            throw new PoisonRecordException("an evolution reply carries a "
                    + reply.getRequest().getPayload().getClass().getSimpleName() + ", not the ApiGenerationInput asked about");
        }
        final String requestId = reply.getRequest().getId();
        if (done.get(requestId) != null) {
            Metrics.counter("toolace.evolution.replies.duplicate").increment();
            return;
        }
        done.put(requestId, 1);
        if (!(reply.getResult() instanceof ApiGenerationResult)) {
            Metrics.counter("toolace.evolution.failed").increment();
            LOG.debug("evolution request {} gave no API: {}", requestId, reply.getError());
            return;
        }
        final ApiGenerationInput input = (ApiGenerationInput) reply.getRequest().getPayload();
        for (final ApiDefinition api : ((ApiGenerationResult) reply.getResult()).getApis()) {
            final ApiDefinition candidate = ApiDefinition.newBuilder(api)
                    .setId(id(api))
                    .setGeneration(input.getGeneration())
                    .setExampleId(input.getExample() == null ? null : input.getExample().getId())
                    .setRejection(null)
                    .setLineage(Lineage.newBuilder(api.getLineage()).setPoolGeneration(input.getGeneration())
                            .setAgents(Map.of(reply.getRequest().getTask().name(),
                                    reply.getUsage().getBackend() + "/" + reply.getUsage().getModel()))
                            .build())
                    .build();
            context.forward(record.withKey(candidate.getId()).withValue(candidate));
        }
    }

    /**
     * The normalised-signature hash; for parameters that are not JSON, the hash of the text, so the pool's
     * check rejects the API with its reason instead of the whole answer failing here.
     */
    private static String id(final ApiDefinition api) {
        try {
            return ApiSignature.hash(api.getName(), api.getParameters());
        } catch (final IllegalArgumentException notJson) {
            return ContentHash.of(api.getName(), api.getParameters());
        }
    }
}

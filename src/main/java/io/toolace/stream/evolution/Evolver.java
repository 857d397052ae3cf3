package io.toolace.stream.evolution;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps this task's part of the context tree (whole sub-domains) and a bounded example buffer, and
 * asks the evolution agent for new APIs: one per new functionality (adaptation), one per pooled API
 * below the maximum depth (evolution), scoped by the functionality that has scoped fewest APIs of a
 * few drawn ({@link TreeCoverage}), so the whole tree is covered evenly.
 */
final class Evolver implements Processor<String, Object, String, Object> {

    /** Examples kept per task; the buffer is a ring, newest APIs replace the oldest. */
    static final int BUFFER_SIZE = 256;
    private static final int MAX_SIBLINGS = 2;

    private final Topics topics;
    private final PipelineConfig config;
    private final ApiCheck check = new VerifierApiCheck();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ContextNode> tree;
    private KeyValueStore<Integer, ApiDefinition> buffer;
    private KeyValueStore<String, Integer> uses;
    private final TreeCoverage coverage = new TreeCoverage();
    private int buffered;

    Evolver(final Topics topics, final PipelineConfig config) {
        this.topics = topics;
        this.config = config;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.tree = context.getStateStore(EvolutionStage.TREE_STORE);
        this.buffer = context.getStateStore(EvolutionStage.BUFFER_STORE);
        this.uses = context.getStateStore(EvolutionStage.COVERAGE_STORE);
        try (KeyValueIterator<String, ContextNode> all = tree.all()) {
            while (all.hasNext()) {
                final KeyValue<String, ContextNode> entry = all.next();
                if (entry.value.getLevel() == NodeLevel.FUNCTIONALITY) {
                    final Integer used = uses.get(entry.key);
                    coverage.add(entry.key, used == null ? 0 : used);
                }
            }
        }
        try (KeyValueIterator<Integer, ApiDefinition> all = buffer.all()) {
            while (all.hasNext()) {
                all.next();
                buffered++;
            }
        }
    }

    @Override
    public void process(final Record<String, Object> record) {
        if (record.value() instanceof ContextNode) {
            adapt(record, (ContextNode) record.value());
        } else if (record.value() instanceof ApiDefinition) {
            evolve(record, (ApiDefinition) record.value());
        }
    }

    private void adapt(final Record<String, Object> record, final ContextNode node) {
        final String problem = ContextPaths.problem(node);
        if (problem != null) {
            // A node out of line with its path could be its own ancestor, and the subtree walk would never end.
            throw new PoisonRecordException(problem);
        }
        if (tree.get(node.getId()) != null) {
            return;
        }
        tree.put(node.getId(), node);
        if (node.getLevel() != NodeLevel.FUNCTIONALITY) {
            return;
        }
        coverage.add(node.getId(), 0);
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(Long.toString(config.seed()), node.getId()));
        request(record, node.getId(), subtree(node, rnd), example(rnd), DiversityIndicators.draw(rnd, 0), 0);
    }

    private void evolve(final Record<String, Object> record, final ApiDefinition api) {
        // The pool stage admits only APIs that pass; this one was written to the pool past it.
        check.problem(api).ifPresent(problem -> {
            throw new PoisonRecordException("pooled API '" + api.getId() + "' fails the pool's check: " + problem);
        });
        buffer.put(Math.floorMod(buffered++, BUFFER_SIZE), api);
        if (api.getGeneration() >= config.maxGeneration() || coverage.isEmpty()) {
            return;
        }
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(Long.toString(config.seed()), api.getId()));
        final ContextNode node = tree.get(coverage.pickRarelyUsed(rnd));
        request(record, api.getId(), subtree(node, rnd), api, DiversityIndicators.draw(rnd, 1), api.getGeneration() + 1);
    }

    private void request(final Record<String, Object> record, final String sourceId, final List<ContextNode> subtree,
            final ApiDefinition example, final List<String> diversity, final long generation) {
        for (final ContextNode scoped : subtree) {
            if (scoped.getLevel() == NodeLevel.FUNCTIONALITY) {
                uses.put(scoped.getId(), coverage.use(scoped.getId()));
            }
        }
        final ApiGenerationInput input = ApiGenerationInput.newBuilder()
                .setSubtree(subtree)
                .setExample(example)
                .setDiversity(diversity)
                .setGeneration(generation)
                .build();
        final String correlationId = "e-" + ContentHash.of(sourceId, Long.toString(generation));
        context.forward(record.withKey(correlationId).withValue(LlmRequests.of(AgentTask.GENERATE_API,
                topics.evolutionReplies.name(), correlationId, 0, 0, "evolution", input, record.timestamp())),
                EvolutionStage.REQUESTS_SINK);
        Metrics.counter("toolace.evolution.requests", "kind", generation == 0 ? "adaptation" : "evolution")
                .increment();
    }

    /** The functionality, up to two siblings under the same sub-domain, and their ancestors. */
    private List<ContextNode> subtree(final ContextNode node, final SplittableRandom rnd) {
        final List<ContextNode> nodes = new ArrayList<>();
        ContextNode ancestor = node.getParentId() == null ? null : tree.get(node.getParentId());
        final List<ContextNode> lineage = new ArrayList<>();
        while (ancestor != null) {
            lineage.add(0, ancestor);
            ancestor = ancestor.getParentId() == null ? null : tree.get(ancestor.getParentId());
        }
        nodes.addAll(lineage);
        nodes.add(node);
        if (node.getParentId() != null) {
            final List<ContextNode> siblings = new ArrayList<>();
            try (KeyValueIterator<String, ContextNode> under = tree.prefixScan(ContextPaths.prefix(node.getParentId()),
                    new StringSerializer())) {
                while (under.hasNext()) {
                    final ContextNode sibling = under.next().value;
                    if (!sibling.getId().equals(node.getId()) && sibling.getLevel() == NodeLevel.FUNCTIONALITY) {
                        siblings.add(sibling);
                    }
                }
            }
            final int extra = siblings.isEmpty() ? 0 : rnd.nextInt(Math.min(MAX_SIBLINGS, siblings.size()) + 1);
            for (int i = 0; i < extra; i++) {
                nodes.add(siblings.remove(rnd.nextInt(siblings.size())));
            }
        }
        return nodes;
    }

    private ApiDefinition example(final SplittableRandom rnd) {
        if (buffered == 0) {
            return null;
        }
        return buffer.get(rnd.nextInt(Math.min(buffered, BUFFER_SIZE)));
    }
}

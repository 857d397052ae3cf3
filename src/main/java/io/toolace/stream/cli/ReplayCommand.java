package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.DeadLetters;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.replay.Replay;
import io.toolace.stream.replay.ReplayPosition;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Re-feeds a range of a topic into a stage, into replay topics, with the LLM answers cached before. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-feed a range of a topic into a stage (e.g. re-verify last week's samples.candidates under"
                + " other rule settings). The range is copied into <prefix>replay.<name>.<topic>; the stage runs on"
                + " <prefix>replay.<name>.* topics with a gateway of its own that answers from llm.cache what was"
                + " asked before. Production topics are not written, except llm.cache and llm.usage."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    BackendOptions llm = new BackendOptions();

    @Mixin
    RuleOptions rules = new RuleOptions();

    @Option(names = "--topic", required = true,
            description = "The topic to take the range from, without the prefix: an input of the stage, e.g. samples.candidates.")
    String topic;

    @Option(names = "--from", required = true,
            description = "First record of the range in each partition: an offset, an ISO-8601 instant"
                    + " (2026-11-18T00:00:00Z) or a duration back from now (P7D).")
    String from;

    @Option(names = "--to",
            description = "End of the range, exclusive, in the same forms (default: the topic's end when the copy starts).")
    String to;

    @Option(names = "--into", required = true,
            description = "The stage to re-feed: verify, dialog, speciation or pool (evolution and planner also read api.pool).")
    String stage;

    @Option(names = "--name",
            description = "The replay's name, the <name> of its topics (default: the stage). A name is fed once.")
    String name;

    @Option(names = "--fault-rate", defaultValue = "0.1",
            description = "As in run: the procedural backend's setting, which its cached answers are keyed by (default: ${DEFAULT-VALUE}).")
    double faultRate;

    @Option(names = "--seed", defaultValue = "42",
            description = "As in run: the procedural backend's seed, which its cached answers are keyed by (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--judge-votes", defaultValue = "1",
            description = "Answers asked of each model-layer judge, odd (default: ${DEFAULT-VALUE}).")
    int judgeVotes;

    @Option(names = "--answer-retries", defaultValue = "2",
            description = "Times a judge or agent whose reply is an error is asked again (default: ${DEFAULT-VALUE}).")
    int answerRetries;

    @Option(names = "--concurrency", defaultValue = "64",
            description = "LLM requests the replay's gateway keeps in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--timeout", defaultValue = "PT1H",
            description = "Longest time of each step: copy, start, processing (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        final Replay.Plan plan;
        final PipelineConfig config;
        try {
            final Clock clock = Clock.systemUTC();
            plan = new Replay.Plan(name == null ? stage : name, stage, topic, ReplayPosition.parse(from, clock),
                    to == null ? null : ReplayPosition.parse(to, clock), rules.config());
            config = cluster.toBuilder()
                    .faultRate(faultRate)
                    .seed(seed)
                    .judgeVotes(judgeVotes)
                    .answerRetries(answerRetries)
                    .gatewayConcurrency(concurrency)
                    .llmCacheEntries(llm.cacheEntries)
                    .prices(llm.prices())
                    .build();
        } catch (final IllegalArgumentException | UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        try (Pipeline pipeline = Pipeline.start(config, Set.of(), Duration.ofMinutes(2));
                LlmBackend backend = backend(config)) {
            final Replay.Report report = Replay.run(config, pipeline.clientConfig(), pipeline.topics(), backend, plan,
                    timeout);
            print(out, plan, report);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (final IllegalStateException e) {
            // A replay fed before, a timeout, a stage that failed (logged with its cause where it failed).
            spec.commandLine().getErr().println("replay: " + DeadLetters.describe(e));
            return 1;
        }
        out.flush();
        return 0;
    }

    private LlmBackend backend(final PipelineConfig config) {
        try {
            return llm.create(config);
        } catch (final IllegalArgumentException | UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static void print(final PrintWriter out, final Replay.Plan plan, final Replay.Report report) {
        out.printf("replay %s: %d records of %s copied into %s, processed by %s%n", plan.name(), report.copied(),
                plan.topic(), report.input(), plan.stage());
        for (final Map.Entry<String, Long> output : report.outputs().entrySet()) {
            out.printf("  %-60s %d%n", output.getKey(), output.getValue());
        }
        out.printf("llm: %d requests answered, %d from the cache, %d new calls%n", report.answered(),
                report.cacheHits(), report.newCalls());
    }
}

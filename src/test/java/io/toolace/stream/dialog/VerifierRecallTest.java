package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.dlv.VerifierRuleLayer;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The issue's measure of the verifier, without Kafka: a pool of procedural APIs, 20,000 dialogs of
 * every type driven through the procedural backend by the turn loop's own protocol (request, reply,
 * {@link TurnReplyProcessor#apply} until the next agent is DONE), then the rule layer and, for samples
 * that pass it, the four judges. Injected faults carry the id of the rule that must catch them.
 *
 * <p>Targets: the rule layer catches at least 99.9% of rule-detectable faults (every label but
 * {@code MODEL_*}) by the labelled rule; at most 0.1% of clean samples are rejected by either layer;
 * every hallucination that passes the rule layer is failed by the hallucination judge.
 * {@code -Dtoolace.recall.dialogs=N} changes the count (the targets need 20,000 to mean anything).
 */
class VerifierRecallTest {

    private static final int DIALOGS = Integer.getInteger("toolace.recall.dialogs", 20_000);
    private static final double FAULT_RATE = 0.2;
    private static final long SEED = 20_240_917L;
    private static final int POOL_SIZE = 300;
    private static final List<AgentTask> JUDGES = PipelineConfig.ALL_JUDGES.stream().map(AgentTask::valueOf).toList();
    private static final String MODEL_PREFIX = "MODEL_";
    private static final String HALLUCINATION = "MODEL_HALLUCINATION";

    /**
     * What became of one planned dialog: a sample with the verdicts of both layers, or the reason
     * it never became a sample (an agent error or the step limit, as the turn stage would reject it).
     */
    record Outcome(String dialogId, DialogType type, List<String> faults, String sampleId, List<Verdict> rule,
            List<Verdict> model, String notASample) {

        boolean rejected() {
            return !rule.isEmpty() || model.stream().anyMatch(v -> !v.getPassed());
        }

        boolean failedRule(final String id) {
            return rule.stream().anyMatch(v -> v.getRule().equals(id));
        }

        boolean failedJudge(final String id) {
            return model.stream().anyMatch(v -> !v.getPassed() && v.getRule().equals(id));
        }
    }

    /** Thread time per phase, summed over dialogs, to tell what a slow run spends its time on. */
    private static final LongAdder GENERATING = new LongAdder();
    private static final LongAdder RULES = new LongAdder();
    private static final LongAdder JUDGING = new LongAdder();
    private static final LongAdder STEPS = new LongAdder();

    @BeforeAll
    static void trustRecords() {
        TrustedClasses.trustNamedTypesOf(LlmReply.getClassSchema());
    }

    @Test
    void theRuleLayerCatchesInjectedFaultsAndTheJudgesCatchHallucinations() {
        final long started = System.nanoTime();
        final ProceduralDialogs dialogs = new ProceduralDialogs(FAULT_RATE, SEED, POOL_SIZE);
        final ProceduralPool.Pool pool = dialogs.pool();
        final long pooled = System.nanoTime();
        final VerifierRuleLayer rules = new VerifierRuleLayer();
        final List<Outcome> outcomes = IntStream.range(0, DIALOGS).parallel()
                .mapToObj(seq -> run(dialogs, dialogs.plan(seq), rules))
                .toList();
        final long done = System.nanoTime();

        final Table table = new Table(outcomes);
        System.out.printf("pool: %d APIs from %d generation requests (%d agent errors, gate rejections %s), %.1f s%n",
                pool.apis().size(), pool.requests(), pool.errors(), pool.gateRejections(),
                (pooled - started) / 1e9);
        System.out.printf("dialogs: %d in %.1f s on %d cores; process CPU time so far %.1f s%n", DIALOGS,
                (done - pooled) / 1e9, Runtime.getRuntime().availableProcessors(), processCpuSeconds());
        System.out.print(table.render());
        System.out.printf("thread time: generating %.1f s (%.1f agent steps a dialog), rule layer %.1f s, judges %.1f s%n",
                GENERATING.sum() / 1e9, STEPS.sum() / (double) DIALOGS, RULES.sum() / 1e9, JUDGING.sum() / 1e9);

        assertThat(pool.apis()).hasSizeGreaterThanOrEqualTo(POOL_SIZE);
        // A dependent request over tools that cannot link is refused (and rejected in the pipeline); nothing else is lost.
        final List<String> refused = table.notSamples.stream().filter(n -> n.contains("cannot be dependent")).toList();
        assertThat(table.notSamples).as("dialogs that never became samples").containsExactlyInAnyOrderElementsOf(refused);
        assertThat(refused.size()).as("dependent dialogs refused").isLessThan(DIALOGS / 50);
        // Every label shows up often enough for its rate to mean something.
        assertThat(table.injected.keySet()).containsAll(List.of("CALL_UNKNOWN_FUNCTION", "CALL_MISSING_REQUIRED",
                "CALL_UNKNOWN_PARAM", "CALL_TYPE_MISMATCH", "CALL_CONSTRAINT_VIOLATION", "CONSIST_TOOL_NAME_MISMATCH",
                "CONSIST_RESPONSE_COUNT", "DIALOG_EMPTY_TURN", HALLUCINATION));
        assertThat(table.injected.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(DIALOGS / 1000));

        final int detectable = table.ruleDetectable();
        final int caught = table.ruleDetectableCaught();
        assertThat(caught).as("rule-detectable faults caught by their rule, of %d: missed %s", detectable,
                table.ruleMissedExamples).isGreaterThanOrEqualTo((int) Math.ceil(0.999 * detectable));

        assertThat(table.clean).isGreaterThan(DIALOGS / 2);
        assertThat(table.falselyRejected).as("clean samples rejected: %s, e.g. %s", table.falseRejections,
                table.falseRejectionExamples).isLessThanOrEqualTo((int) Math.floor(0.001 * table.clean));

        assertThat(table.hallucinationsPastRules).isGreaterThan(0);
        assertThat(table.hallucinationsJudged).as("hallucinations past the rule layer failed by the judge, of %d: %s",
                table.hallucinationsPastRules, table.hallucinationMissedExamples)
                .isEqualTo(table.hallucinationsPastRules);
    }

    /** CPU time of this JVM, which on a shared machine says more than the wall clock. */
    private static double processCpuSeconds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    /** One dialog through the turn loop and both layers, as the dialog and verification stages take it. */
    private static Outcome run(final ProceduralDialogs dialogs, final DialogDraft planned, final VerifierRuleLayer rules) {
        final long t0 = System.nanoTime();
        final ProceduralDialogs.Driven driven = dialogs.drive(planned);
        final DialogDraft draft = driven.draft();
        if (driven.sample() == null) {
            return new Outcome(draft.getId(), draft.getDialogType(), draft.getFaults(), null, List.of(), List.of(),
                    driven.failure());
        }
        final Sample sample = driven.sample();
        final long t1 = System.nanoTime();
        final List<Verdict> ruleVerdicts = rules.check(sample);
        final long t2 = System.nanoTime();
        final List<Verdict> modelVerdicts = new ArrayList<>();
        if (ruleVerdicts.isEmpty()) {
            for (final AgentTask judge : JUDGES) {
                final LlmReply reply = dialogs.backend().answer(LlmRequests.of(judge, "verify-replies", sample.getId(),
                        0, 0, "verify", sample, 0L)).join();
                modelVerdicts.add(verdict(judge, reply));
            }
        }
        final long t3 = System.nanoTime();
        GENERATING.add(t1 - t0);
        RULES.add(t2 - t1);
        JUDGING.add(t3 - t2);
        STEPS.add(draft.getStep());
        return new Outcome(draft.getId(), draft.getDialogType(), draft.getFaults(), sample.getId(), ruleVerdicts,
                modelVerdicts, null);
    }

    /** The model layer's verdict for one judge reply; the rule id must be the one the judge's task decides. */
    private static Verdict verdict(final AgentTask judge, final LlmReply reply) {
        final String rule = switch (judge) {
            case JUDGE_HALLUCINATION -> "MODEL_HALLUCINATION";
            case JUDGE_CONSISTENCY -> "MODEL_INCONSISTENT";
            case JUDGE_TOOL_RESPONSE -> "MODEL_TOOL_RESPONSE_MISMATCH";
            case JUDGE_REPETITIVE -> "MODEL_REPETITIVE";
            default -> throw new IllegalArgumentException(judge + " is not a judge");
        };
        if (reply.getError() != null || !(reply.getResult() instanceof JudgeResult)) {
            return Samples.failure(rule, io.toolace.stream.records.Layer.MODEL, -1, "no verdict: " + reply.getError());
        }
        final JudgeResult result = (JudgeResult) reply.getResult();
        assertThat(result.getRule()).as("rule of %s's answer", judge).isEqualTo(rule);
        return Verdict.newBuilder().setRule(rule).setLayer(io.toolace.stream.records.Layer.MODEL)
                .setPassed(result.getPassed()).setTurn(result.getTurn()).setMessage(result.getReason()).build();
    }

    /** The counts per label and for clean samples, and the table printed to stdout. */
    private static final class Table {
        private static final int EXAMPLES = 5;

        final Map<String, Integer> injected = new TreeMap<>();
        final Map<String, Integer> caughtByOwnRule = new TreeMap<>();
        final Map<String, Integer> caughtByOtherRule = new TreeMap<>();
        final Map<String, Integer> caughtByModel = new TreeMap<>();
        final Map<String, Integer> missed = new TreeMap<>();
        final Map<String, Integer> falseRejections = new TreeMap<>();
        final Map<DialogType, int[]> byType = new EnumMap<>(DialogType.class);
        final List<String> notSamples = new ArrayList<>();
        final List<String> ruleMissedExamples = new ArrayList<>();
        final List<String> falseRejectionExamples = new ArrayList<>();
        final List<String> hallucinationMissedExamples = new ArrayList<>();
        int clean;
        int falselyRejected;
        int duplicates;
        int hallucinationsPastRules;
        int hallucinationsJudged;

        Table(final List<Outcome> outcomes) {
            final Set<String> sampleIds = new HashSet<>();
            for (final Outcome o : outcomes) {
                if (o.notASample() != null) {
                    notSamples.add(o.dialogId() + " " + o.faults() + ": " + o.notASample());
                    continue;
                }
                duplicates += sampleIds.add(o.sampleId()) ? 0 : 1;
                final int[] perType = byType.computeIfAbsent(o.type(), t -> new int[3]);
                perType[0]++;
                perType[1] += o.faults().isEmpty() ? 0 : 1;
                perType[2] += o.rejected() ? 1 : 0;
                if (o.faults().isEmpty()) {
                    clean++;
                    if (o.rejected()) {
                        falselyRejected++;
                        final List<Verdict> failed = new ArrayList<>(o.rule());
                        o.model().stream().filter(v -> !v.getPassed()).forEach(failed::add);
                        failed.stream().map(Verdict::getRule).distinct().forEach(r -> falseRejections.merge(r, 1, Integer::sum));
                        example(falseRejectionExamples, o.dialogId() + " " + o.type() + " " + brief(failed));
                    }
                    continue;
                }
                for (final String label : o.faults()) {
                    injected.merge(label, 1, Integer::sum);
                    if (o.failedRule(label)) {
                        caughtByOwnRule.merge(label, 1, Integer::sum);
                    } else if (!o.rule().isEmpty()) {
                        caughtByOtherRule.merge(label, 1, Integer::sum);
                    } else if (o.rejected()) {
                        caughtByModel.merge(label, 1, Integer::sum);
                    } else {
                        missed.merge(label, 1, Integer::sum);
                    }
                    if (!label.startsWith(MODEL_PREFIX) && !o.failedRule(label)) {
                        example(ruleMissedExamples, o.dialogId() + " " + label + " " + o.type() + " " + brief(o.rule()));
                    }
                    if (label.equals(HALLUCINATION) && o.rule().isEmpty()) {
                        hallucinationsPastRules++;
                        if (o.failedJudge(HALLUCINATION)) {
                            hallucinationsJudged++;
                        } else {
                            example(hallucinationMissedExamples, o.dialogId() + " " + brief(o.model()));
                        }
                    }
                }
            }
        }

        int ruleDetectable() {
            return injected.entrySet().stream().filter(e -> !e.getKey().startsWith(MODEL_PREFIX))
                    .mapToInt(Map.Entry::getValue).sum();
        }

        int ruleDetectableCaught() {
            return caughtByOwnRule.entrySet().stream().filter(e -> !e.getKey().startsWith(MODEL_PREFIX))
                    .mapToInt(Map.Entry::getValue).sum();
        }

        private static void example(final List<String> examples, final String example) {
            if (examples.size() < EXAMPLES) {
                examples.add(example);
            }
        }

        private static String brief(final List<Verdict> verdicts) {
            final List<String> parts = new ArrayList<>();
            for (final Verdict v : verdicts) {
                if (!v.getPassed()) {
                    parts.add(v.getRule() + "@" + v.getTurn() + " " + v.getMessage());
                }
            }
            return parts.toString();
        }

        String render() {
            final StringBuilder out = new StringBuilder();
            out.append(String.format("%-28s %9s %10s %11s %9s %7s%n", "injected fault", "injected", "rule (own)",
                    "rule (other)", "model", "missed"));
            for (final String label : injected.keySet()) {
                out.append(String.format("%-28s %9d %10d %11d %9d %7d%n", label, injected.get(label),
                        caughtByOwnRule.getOrDefault(label, 0), caughtByOtherRule.getOrDefault(label, 0),
                        caughtByModel.getOrDefault(label, 0), missed.getOrDefault(label, 0)));
            }
            final int detectable = ruleDetectable();
            final int caught = ruleDetectableCaught();
            out.append(String.format("rule-detectable: %d injected, %d caught by their rule (%.3f%%)%n", detectable,
                    caught, detectable == 0 ? 0 : 100.0 * caught / detectable));
            out.append(String.format("hallucinations past the rule layer: %d, failed by the judge: %d%n",
                    hallucinationsPastRules, hallucinationsJudged));
            out.append(String.format("clean: %d, falsely rejected: %d (%.3f%%) %s%n", clean, falselyRejected,
                    clean == 0 ? 0 : 100.0 * falselyRejected / clean, falseRejections));
            out.append(String.format("samples: %d, duplicate content ids: %d, not samples: %d%n",
                    outcomesCount(), duplicates, notSamples.size()));
            out.append(String.format("%-10s %8s %8s %9s%n", "type", "samples", "faulty", "rejected"));
            byType.forEach((type, n) -> out.append(String.format("%-10s %8d %8d %9d%n", type, n[0], n[1], n[2])));
            if (!ruleMissedExamples.isEmpty()) {
                out.append("rule-detectable faults not caught by their rule, e.g. ").append(ruleMissedExamples)
                        .append(System.lineSeparator());
            }
            if (!falseRejectionExamples.isEmpty()) {
                out.append("clean samples rejected, e.g. ").append(falseRejectionExamples).append(System.lineSeparator());
            }
            return out.toString();
        }

        private int outcomesCount() {
            return byType.values().stream().mapToInt(n -> n[0]).sum();
        }
    }
}

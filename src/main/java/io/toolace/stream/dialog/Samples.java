package io.toolace.stream.dialog;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.AvroText;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.Records;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns finished drafts into samples and attaches verdicts. */
public final class Samples {

    private Samples() {}

    /** A sample's id hashes what a training run sees (system prompt, tools, turns), so duplicates share a key. */
    public static String contentId(final String system, final List<ApiDefinition> tools, final List<Turn> turns) {
        final StringBuilder toolIds = new StringBuilder();
        for (final ApiDefinition tool : tools) {
            toolIds.append(tool.getId()).append(',');
        }
        return ContentHash.of(system, toolIds.toString(), AvroText.of(turns));
    }

    /**
     * The draft's system prompt. The planner leaves it empty, to be made from the tools here, rather than carry
     * it around the turn loop: it repeats every tool's schema and is the larger part of a young draft.
     */
    public static String system(final DialogDraft draft) {
        return draft.getSystem().isEmpty() ? ToolSamples.systemPrompt(draft.getTools()) : draft.getSystem();
    }

    public static Sample fromDraft(final DialogDraft draft) {
        final String system = system(draft);
        return Sample.newBuilder()
                .setId(contentId(system, draft.getTools(), draft.getTurns()))
                .setDialogId(draft.getId())
                .setPlannerPartition(draft.getPlannerPartition())
                .setDialogType(draft.getDialogType())
                .setDomain(draft.getTools().isEmpty() ? "" : draft.getTools().get(0).getDomain())
                .setSystem(system)
                .setTools(draft.getTools())
                .setTurns(draft.getTurns())
                .setComplexity(draft.getComplexity())
                .setFaults(draft.getFaults())
                .setVerdicts(List.of())
                .setLineage(draft.getLineage())
                .build();
    }

    public static Verdict failure(final String rule, final Layer layer, final int turn, final String message) {
        return Verdict.newBuilder().setRule(rule).setLayer(layer).setPassed(false).setTurn(turn)
                .setMessage(message).build();
    }

    /** A new sample: {@code sample} with {@code verdicts} added, its other fields shared and the caller's to set. */
    public static Sample withVerdicts(final Sample sample, final List<Verdict> verdicts) {
        final List<Verdict> all = new ArrayList<>(sample.getVerdicts());
        all.addAll(verdicts);
        final Sample judged = Records.shallowCopy(sample, Sample::new);
        judged.setVerdicts(all);
        return judged;
    }

    /** The rule ids a sample failed, in verdict order, without repeats. */
    public static List<String> failedRules(final Sample sample) {
        final List<String> rules = new ArrayList<>();
        for (final Verdict verdict : sample.getVerdicts()) {
            if (!verdict.getPassed() && !rules.contains(verdict.getRule())) {
                rules.add(verdict.getRule());
            }
        }
        return rules;
    }

    /** Records which backend and model answered a task, for the sample's lineage. */
    public static Lineage withAgent(final Lineage lineage, final LlmReply reply) {
        final String task = reply.getRequest().getTask().name();
        final String answeredBy = reply.getUsage().getBackend() + "/" + reply.getUsage().getModel();
        if (answeredBy.equals(lineage.getAgents().get(task))) {
            return lineage;
        }
        final Map<String, String> agents = new HashMap<>(lineage.getAgents());
        agents.put(task, answeredBy);
        return Lineage.newBuilder(lineage).setAgents(agents).build();
    }
}

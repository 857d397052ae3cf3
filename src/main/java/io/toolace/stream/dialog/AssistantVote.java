package io.toolace.stream.dialog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consistency vote on one assistant action (ToolACE SDG): the same step is answered several times, and
 * an answer is kept only when a strict majority of the answers agree on their tool-call parts. Strict
 * majority rather than unanimity: self-consistency keeps the modal action, so one stray sample out of three
 * does not cost a whole dialog, while two groups can never both win, whatever the number of answers.
 *
 * <p>Answers agree when they make the same calls: the same multiset of (function name, arguments as JSON
 * with keys sorted and no whitespace), in any order. An answer without calls is "no call", told apart from
 * a final answer ("no call, finished") because that ends the dialog. The wording of text and thinking does
 * not count: samples differ there by design. A failed or malformed answer agrees with nothing, so a vote
 * never waits for an answer that will not come.
 */
final class AssistantVote {

    /** Longest rendering of one call part in a rejection reason; a reason stays one readable line. */
    private static final int PART_LIMIT = 80;

    /**
     * Maps sort their keys when written, so a model's key order and spacing do not split a vote. Trailing
     * text fails, so {@code {"a":1} and more} does not pass for {@code {"a":1}}.
     */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AssistantVote() {}

    /**
     * What a round of answers decided.
     *
     * @param winner the answer to apply (the lowest sample index of the majority), or null without a majority
     * @param votes answers in the round
     * @param parts each distinct call part with its count, largest group first, for a reason
     */
    record Decision(LlmReply winner, int votes, String parts) {

        boolean agreed() {
            return winner != null;
        }
    }

    /** Tallies one round; {@code answers} hold one reply per sample index of the round. */
    static Decision decide(final List<LlmReply> answers, final DialogDraft draft) {
        final List<LlmReply> byIndex = new ArrayList<>(answers);
        byIndex.sort(Comparator.comparingInt(a -> a.getRequest().getSampleIndex()));
        final Map<String, List<LlmReply>> groups = new LinkedHashMap<>();
        final Map<String, Integer> failures = new LinkedHashMap<>();
        for (final LlmReply answer : byIndex) {
            final String problem = TurnReplyProcessor.problem(answer, draft);
            if (problem == null) {
                groups.computeIfAbsent(callParts((TurnResult) answer.getResult()), k -> new ArrayList<>()).add(answer);
            } else {
                failures.merge((answer.getError() != null ? "error: " : "bad answer: ") + problem, 1, Integer::sum);
            }
        }
        final List<Map.Entry<String, List<LlmReply>>> ranked = new ArrayList<>(groups.entrySet());
        ranked.sort(Comparator.comparingInt(e -> -e.getValue().size()));
        final int largest = ranked.isEmpty() ? 0 : ranked.get(0).getValue().size();
        final LlmReply winner = 2 * largest > byIndex.size() ? ranked.get(0).getValue().get(0) : null;
        final List<String> parts = new ArrayList<>();
        ranked.forEach(e -> parts.add(e.getValue().size() + "x " + shortened(e.getKey())));
        failures.forEach((problem, count) -> parts.add(count + "x " + shortened(problem)));
        return new Decision(winner, byIndex.size(), String.join(" | ", parts));
    }

    /** The part of an answer the vote compares, as one string: equal strings are the same action. */
    static String callParts(final TurnResult result) {
        final List<FunctionCall> calls = result.getTurn().getCalls();
        if (calls.isEmpty()) {
            return result.getFinished() ? "no call, finished" : "no call";
        }
        final List<String> parts = new ArrayList<>(calls.size());
        for (final FunctionCall call : calls) {
            parts.add(call.getName() + canonical(call.getArguments()));
        }
        parts.sort(null);
        return String.join("; ", parts);
    }

    /**
     * JSON text with every object's keys sorted and no whitespace. Text that is not JSON stays as written
     * (stripped): such calls agree only when written alike, and the rule layer rejects them later anyway.
     */
    static String canonical(final String json) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.readValue(json, Object.class));
        } catch (final JsonProcessingException notJson) {
            return json.strip();
        }
    }

    private static String shortened(final String part) {
        return part.length() <= PART_LIMIT ? part : part.substring(0, PART_LIMIT - 3) + "...";
    }
}

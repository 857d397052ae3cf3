package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.ToolResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The assistant agent's words: asking for a missing value, answering without tools, and summarising
 * tool results. A summary quotes values from each result verbatim (the consistency judge checks that
 * the answer follows the results) and states no number the dialog does not contain.
 */
final class AssistantVoice {

    /** Facts quoted per result: enough to answer, few enough to stay readable. */
    private static final int FACTS_PER_RESULT = 4;
    private static final List<String> OPENERS = List.of("Here's what I found. ", "Done. ", "All set. ",
            "Here are the results. ", "I've got the information. ", "");
    private static final List<String> CLOSERS = List.of(" Let me know if there's anything else.",
            " Anything else I can do for you?", " Happy to help further if needed.", "");

    private AssistantVoice() {}

    /** A question for the one value the user left out. */
    static String ask(final ApiSpec api, final String parameter, final SplittableRandom rnd) {
        final String name = Lexicon.humanize(parameter);
        return Lexicon.pick(List.of(
                "To " + Intent.of(api) + ", I need the " + name + ". What should it be?",
                "Could you tell me the " + name + " you'd like me to use?",
                "I can do that - which " + name + " should I use?",
                "Happy to help. Before I run " + api.name() + ", what is the " + name + "?"), rnd);
    }

    /** A confirmation question, for an API with no parameter the user could have left out. */
    static String confirm(final ApiSpec api, final SplittableRandom rnd) {
        return Lexicon.pick(List.of("I can " + Intent.of(api) + " with " + api.name() + ". Shall I go ahead?",
                "Just to confirm: should I run " + api.name() + " now?"), rnd);
    }

    /** The answer to a request no tool serves; an out-of-scope task is declined, naming what the tools do. */
    static String nonTool(final NonToolTopic topic, final List<ApiSpec> apis, final SplittableRandom rnd) {
        if (topic.kind() != NonToolTopic.Kind.OUT_OF_SCOPE) {
            return topic.answer();
        }
        final List<String> topics = new ArrayList<>();
        for (final ApiSpec api : apis) {
            topics.add("the " + api.topic());
        }
        final String offer = topics.isEmpty() ? "" : " I can help with " + Lexicon.joinAnd(topics) + ", though.";
        return Lexicon.pick(List.of("I'm sorry, but none of the available tools can " + topic.request() + ".",
                "Unfortunately I can't " + topic.request() + ": no available tool fits that request."), rnd) + offer;
    }

    /**
     * A summary of one tool turn's results, each paired with the call it answers (by position; a
     * result without a call is summarised on its own).
     *
     * @param handOver for a dependent request, the sentence saying which value went from the first
     *     result into the second call; empty otherwise
     * @param variant which opener to use; the caller moves to the next one when the text would
     *     repeat the previous assistant message
     */
    static String summary(final List<FunctionCall> calls, final List<ToolResult> results, final Optional<String> handOver,
            final boolean finished, final int variant, final SplittableRandom rnd) {
        final StringBuilder s = new StringBuilder(OPENERS.get(Math.floorMod(variant, OPENERS.size())));
        handOver.ifPresent(h -> s.append(h).append(' '));
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(sentence(i < calls.size() ? calls.get(i) : null, results.get(i)));
        }
        if (finished) {
            s.append(Lexicon.pick(CLOSERS, rnd));
        }
        return s.toString().trim();
    }

    /** "Get Hourly Forecast for Paris: temperature 21.5, conditions sunny and humidity 40." */
    private static String sentence(final FunctionCall call, final ToolResult result) {
        final Optional<JsonNode> parsed = Json.tryParseShared(result.getResults());
        if (parsed.isEmpty()) {
            return result.getName() + " returned an unreadable result.";
        }
        final JsonNode error = parsed.get().path("error");
        if (error.isTextual() && !error.asText().isBlank()) {
            return result.getName() + " reported an error: " + error.asText() + ".";
        }
        final Optional<JsonNode> arguments = call == null ? Optional.empty() : Json.tryParseShared(call.getArguments());
        final Set<JsonNode> echoes = new HashSet<>();
        arguments.ifPresent(a -> Json.leaves(a).forEach(leaf -> echoes.add(leaf.value())));
        final List<String> facts = facts(parsed.get(), echoes);
        final String context = arguments.map(AssistantVoice::context).orElse("");
        if (facts.isEmpty()) {
            return result.getName() + context + " completed without returning details.";
        }
        return result.getName() + context + ": " + Lexicon.joinAnd(facts) + ".";
    }

    /**
     * Up to four facts, one per field name: new information first (values that do not merely echo
     * an argument), then echoes, then flags.
     */
    private static List<String> facts(final JsonNode result, final Set<JsonNode> echoes) {
        final List<String> facts = new ArrayList<>(FACTS_PER_RESULT);
        final Set<String> keys = new HashSet<>();
        final List<Json.Leaf> leaves = Json.leaves(result);
        for (int pass = 0; pass < 3; pass++) {
            for (final Json.Leaf leaf : leaves) {
                final JsonNode v = leaf.value();
                final boolean scalar = v.isTextual() && !v.asText().isBlank() || v.isNumber();
                final boolean wanted = pass == 0 ? scalar && !echoes.contains(v) : pass == 1 ? scalar : v.isBoolean();
                if (facts.size() < FACTS_PER_RESULT && wanted && keys.add(leaf.key())) {
                    final String name = leaf.key().isEmpty() ? "value" : Lexicon.humanize(leaf.key());
                    facts.add(v.isBoolean() ? name + ": " + (v.asBoolean() ? "yes" : "no") : name + " " + Json.prose(v));
                }
            }
        }
        return facts;
    }

    /** " for Paris and 2025-06-01": the first two argument values, to tell parallel results apart. */
    private static String context(final JsonNode arguments) {
        final List<String> values = new ArrayList<>(2);
        for (final Json.Leaf leaf : Json.leaves(arguments)) {
            if (values.size() < 2 && (leaf.value().isTextual() && !leaf.value().asText().isBlank() || leaf.value().isNumber())) {
                values.add(Json.prose(leaf.value()));
            }
        }
        return values.isEmpty() ? "" : " for " + Lexicon.joinAnd(values);
    }

    /** Number of openers: how many distinct variants a caller can try. */
    static int variants() {
        return OPENERS.size();
    }
}

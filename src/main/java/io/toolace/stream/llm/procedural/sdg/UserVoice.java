package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.llm.procedural.sdg.Persona.Style;
import io.toolace.stream.llm.procedural.sdg.PlannedCall.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The user agent's words. A request states what the user wants and every value the assistant will
 * pass (verbatim, so the hallucination judge finds it), except values a tool result supplies and
 * declared defaults the user never has to say. Wording varies with the persona's style and the
 * request's random source; the values never do.
 */
final class UserVoice {

    private static final List<String> FOLLOW_UPS = List.of("Thanks! ", "Great, thank you. ", "Perfect, that helps. ",
            "One more thing. ", "Okay, next request. ", "Thanks for that. ");

    private UserVoice() {}

    /** The opening message of a request; a follow-up (not the dialog's first request) says so. */
    static String request(final RequestPlan plan, final Persona persona, final boolean followUp, final SplittableRandom rnd) {
        final String body;
        switch (plan.type()) {
            case NON_TOOL:
                body = nonTool(plan.topic(), persona, rnd);
                break;
            case PARALLEL:
                body = parallel(plan.calls(), persona, rnd);
                break;
            case DEPENDENT:
                body = dependent(plan, persona, rnd);
                break;
            default:
                body = single(plan.calls().get(0), plan.clarifyParameter(), persona, rnd);
                break;
        }
        return followUp ? Lexicon.pick(FOLLOW_UPS, rnd) + body : body;
    }

    /** The user's answer to a clarifying question: the missing value, or a go-ahead when nothing was missing. */
    static String supply(final RequestPlan plan, final Persona persona, final SplittableRandom rnd) {
        if (plan.clarifyParameter() == null) {
            return Lexicon.pick(List.of("Yes, please go ahead.", "Yes, do it.", "Sure, go ahead."), rnd);
        }
        final String name = Lexicon.humanize(plan.clarifyParameter());
        final JsonNode value = plan.calls().get(0).arguments().get(plan.clarifyParameter());
        final String v = value.isValueNode() ? Json.prose(value) : mention(plan.clarifyParameter(), value, rnd);
        if (persona.style() == Style.TERSE) {
            return v;
        }
        return Lexicon.pick(List.of("Sure, the " + name + " is " + v + ".", "Oh right - " + name + ": " + v + ".",
                "It should be " + v + ".", "Sorry, I forgot that. Use " + v + " for the " + name + "."), rnd);
    }

    private static String single(final PlannedCall call, final String withheld, final Persona persona,
            final SplittableRandom rnd) {
        return opening(call.api(), persona, rnd) + details(mentions(call, withheld, rnd), persona, rnd);
    }

    private static String parallel(final List<PlannedCall> calls, final Persona persona, final SplittableRandom rnd) {
        final boolean sameApi = calls.stream().allMatch(c -> c.api() == calls.get(0).api());
        final StringBuilder s = new StringBuilder(opening(calls.get(0).api(), persona, rnd));
        if (sameApi) {
            final List<String> groups = new ArrayList<>();
            for (final PlannedCall c : calls) {
                final List<String> m = mentions(c, null, rnd);
                groups.add(m.isEmpty() ? "once more" : "once with " + Lexicon.joinAnd(m));
            }
            return s.append(" Please do it ").append(String.join(", ", groups.subList(0, groups.size() - 1)))
                    .append(" and ").append(groups.get(groups.size() - 1)).append('.').toString();
        }
        s.append(details(mentions(calls.get(0), null, rnd), persona, rnd));
        for (int i = 1; i < calls.size(); i++) {
            final PlannedCall c = calls.get(i);
            s.append(' ').append(Lexicon.pick(List.of("Also, ", "At the same time, ", "And please "), rnd))
                    .append(persona.indirect() ? "help me with the " + c.api().topic() : Intent.of(c.api()));
            final List<String> m = mentions(c, null, rnd);
            s.append(m.isEmpty() ? "" : " with " + Lexicon.joinAnd(m)).append('.');
        }
        return s.toString();
    }

    private static String dependent(final RequestPlan plan, final Persona persona, final SplittableRandom rnd) {
        final PlannedCall first = plan.calls().get(0);
        final PlannedCall second = plan.calls().get(1);
        final List<String> m1 = mentions(first, null, rnd);
        final List<String> m2 = mentions(second, null, rnd);
        final StringBuilder s = new StringBuilder(opening(first.api(), persona, rnd)).append(details(m1, persona, rnd));
        final String then = persona.indirect() ? "help me with the " + second.api().topic() : Intent.of(second.api());
        if (plan.link() != null) {
            s.append(" Then use the ").append(Lexicon.humanize(plan.link().field())).append(" from that result to ")
                    .append(then);
        } else {
            s.append(" Depending on what comes back, also ").append(then);
        }
        return s.append(m2.isEmpty() ? "" : " with " + Lexicon.joinAnd(m2)).append('.').toString();
    }

    private static String nonTool(final NonToolTopic topic, final Persona persona, final SplittableRandom rnd) {
        if (topic.kind() == NonToolTopic.Kind.OUT_OF_SCOPE) {
            return Lexicon.pick(List.of("Can you " + topic.request() + "?", "Please " + topic.request() + ".",
                    "I need you to " + topic.request() + "."), rnd);
        }
        switch (persona.style()) {
            case CASUAL: return Lexicon.pick(List.of("Hey! ", "Quick question: ", ""), rnd) + topic.request();
            case DETAILED: return "I was wondering about something. " + topic.request();
            default: return topic.request();
        }
    }

    /** The sentence that says what the user wants, in the persona's style. */
    private static String opening(final ApiSpec api, final Persona persona, final SplittableRandom rnd) {
        if (persona.indirect()) {
            final String topic = api.topic();
            return Lexicon.pick(List.of("I need some help with the " + topic + ".",
                    "Any chance you can help me with the " + topic + "?",
                    "I'm trying to sort out the " + topic + " and could use a hand."), rnd);
        }
        final String intent = Intent.of(api);
        switch (persona.style()) {
            case FORMAL:
                return Lexicon.pick(List.of("Could you please " + intent + "?", "I would like you to " + intent + ".",
                        "Would you kindly " + intent + "?"), rnd);
            case CASUAL:
                return Lexicon.pick(List.of("Hey, can you " + intent + "?", "Can you " + intent + " for me?",
                        "I wanna " + intent + "."), rnd);
            case TERSE:
                return Lexicon.pick(List.of(Lexicon.capitalize(intent) + ".", "Need to " + intent + "."), rnd);
            default:
                return Lexicon.pick(List.of("I'm sorting out a few things today and I need to " + intent + ".",
                        "For something I'm working on, I need to " + intent + "."), rnd);
        }
    }

    /** The sentence that gives the values, in the persona's style; empty without values. */
    private static String details(final List<String> mentions, final Persona persona, final SplittableRandom rnd) {
        if (mentions.isEmpty()) {
            return "";
        }
        final String m = Lexicon.joinAnd(mentions);
        switch (persona.style()) {
            case FORMAL:
                return Lexicon.pick(List.of(" Please use " + m + ".", " The details are: " + m + "."), rnd);
            case CASUAL:
                return Lexicon.pick(List.of(" Use " + m + ".", " Go with " + m + ", thanks!"), rnd);
            case TERSE:
                return " " + Lexicon.capitalize(m) + ".";
            default:
                return Lexicon.pick(List.of(" To be specific, use " + m + ".",
                        " The details: " + m + ". Let me know what you find."), rnd);
        }
    }

    /**
     * What the user states for a call: every user-sourced argument except one withheld for a
     * clarification, and a reference for a value taken from the previous result.
     */
    static List<String> mentions(final PlannedCall call, final String withheld, final SplittableRandom rnd) {
        final List<String> out = new ArrayList<>();
        for (final Map.Entry<String, Source> e : call.sources().entrySet()) {
            final JsonNode value = call.arguments().get(e.getKey());
            if (e.getValue() == Source.EARLIER) {
                out.add(Lexicon.pick(List.of("the " + Lexicon.humanize(e.getKey()) + " from that last result",
                        "the same " + Lexicon.humanize(e.getKey()) + " as in the previous result"), rnd));
            } else if (e.getValue() == Source.USER && !e.getKey().equals(withheld) && value != null && !value.isNull()) {
                out.add(mention(e.getKey(), value, rnd));
            }
        }
        return out;
    }

    /** One argument in words: "location Paris", "Paris as the location", "passengers (name Ann Lee and age 34)". */
    static String mention(final String parameter, final JsonNode value, final SplittableRandom rnd) {
        final String name = Lexicon.humanize(parameter);
        if (value.isBoolean()) {
            return name + (value.asBoolean() ? " enabled" : " disabled");
        }
        if (value.isArray()) {
            final List<String> items = new ArrayList<>();
            for (final JsonNode item : value) {
                items.add(item.isObject() ? "(" + Lexicon.joinAnd(fields(item, rnd)) + ")"
                        : item.isValueNode() ? Json.prose(item) : item.toString());
            }
            return name + " " + Lexicon.joinAnd(items);
        }
        if (value.isObject()) {
            final List<String> parts = fields(value, rnd);
            return name + (parts.isEmpty() ? " left empty" : " with " + Lexicon.joinAnd(parts));
        }
        final String v = Json.prose(value);
        return Lexicon.pick(List.of(name + " " + v, name + ": " + v, v + " as the " + name, "the " + name + " " + v), rnd);
    }

    private static List<String> fields(final JsonNode object, final SplittableRandom rnd) {
        final List<String> parts = new ArrayList<>();
        for (final Map.Entry<String, JsonNode> f : object.properties()) {
            parts.add(mention(f.getKey(), f.getValue(), rnd));
        }
        return parts;
    }
}

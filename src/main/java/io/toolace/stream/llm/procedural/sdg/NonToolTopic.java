package io.toolace.stream.llm.procedural.sdg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A request no tool serves, with the assistant's answer: chit-chat, general knowledge (answered from
 * what the assistant knows), or a task outside every tool's scope (answered by saying so).
 *
 * @param keywords for an out-of-scope task, the words that would put it in a tool's scope
 */
record NonToolTopic(Kind kind, String request, String answer, List<String> keywords) {

    enum Kind { CHIT_CHAT, KNOWLEDGE, OUT_OF_SCOPE }

    private static final List<NonToolTopic> POOL = List.of(
            chat("Hi there! How is your day going?",
                    "Hello! It's going well, thanks for asking. What can I help you with today?"),
            chat("Thanks a lot, you've been really helpful.",
                    "You're very welcome! I'm glad I could help."),
            chat("Do you ever get tired of answering questions?",
                    "Not at all - answering questions is what I'm here for. What's on your mind?"),
            chat("Good morning! Just wanted to say hello.",
                    "Good morning to you too! Let me know whenever there's something I can do."),
            chat("What's your favorite color?",
                    "I don't have personal preferences, but plenty of people find blue calming. Anything I can help with?"),
            fact("What is the capital of Australia?", "The capital of Australia is Canberra, not Sydney as many assume."),
            fact("Who wrote Pride and Prejudice?", "Pride and Prejudice was written by Jane Austen and first published in 1813."),
            fact("At what temperature does water boil at sea level?",
                    "At sea level water boils at 100 degrees Celsius, which is 212 degrees Fahrenheit."),
            fact("How many continents are there?",
                    "By the most common convention there are seven continents: Africa, Antarctica, Asia, Australia, "
                            + "Europe, North America and South America."),
            fact("What does DNA stand for?", "DNA stands for deoxyribonucleic acid, the molecule that carries genetic information."),
            fact("Why is the sky blue?", "Sunlight scatters off the molecules in the air, and short blue wavelengths "
                    + "scatter the most, so the sky looks blue from the ground."),
            fact("What is the largest planet in our solar system?", "Jupiter is the largest planet in our solar system."),
            fact("Who painted the Mona Lisa?", "Leonardo da Vinci painted the Mona Lisa in the early sixteenth century."),
            task("order a large pepperoni pizza for delivery", "pizza", "food", "restaurant", "delivery", "order"),
            task("book me a haircut for Saturday morning", "haircut", "salon", "barber", "appointment"),
            task("water the plants in my garden", "plant", "plants", "garden", "irrigation"),
            task("play some relaxing music on my living room speaker", "music", "song", "play", "speaker", "playlist"),
            task("call my sister and tell her I'm running late", "call", "phone", "sms", "message", "contact"),
            task("turn off the lights in the kitchen", "light", "lights", "home", "device", "smart"),
            task("print the document I just wrote", "print", "printer", "document"));

    private static NonToolTopic chat(final String request, final String answer) {
        return new NonToolTopic(Kind.CHIT_CHAT, request, answer, List.of());
    }

    private static NonToolTopic fact(final String request, final String answer) {
        return new NonToolTopic(Kind.KNOWLEDGE, request, answer, List.of());
    }

    private static NonToolTopic task(final String request, final String... keywords) {
        return new NonToolTopic(Kind.OUT_OF_SCOPE, request, "", List.of(keywords));
    }

    /**
     * The topic of request {@code index}: the dialog walks one seeded shuffle of the pool, so its
     * requests never repeat a topic (and the assistant never repeats an answer), skipping tasks a
     * tool's name or description covers.
     */
    static NonToolTopic pick(final int index, final Set<String> toolWords, final SplittableRandom dialogRnd) {
        final List<NonToolTopic> order = new ArrayList<>(POOL);
        for (int i = order.size() - 1; i > 0; i--) {
            final int j = dialogRnd.nextInt(i + 1);
            order.set(i, order.set(j, order.get(i)));
        }
        int seen = 0;
        for (final NonToolTopic topic : order) {
            if (topic.outOfScopeOf(toolWords) && seen++ == index) {
                return topic;
            }
        }
        throw new IllegalArgumentException("no-tool request " + index + " exceeds the " + seen + " topics available");
    }

    private boolean outOfScopeOf(final Set<String> toolWords) {
        for (final String k : keywords) {
            if (toolWords.contains(k.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }
}

package io.toolace.stream.llm.openai;

/** One message of a chat-completions request: {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) {

    public static ChatMessage system(final String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(final String content) {
        return new ChatMessage("user", content);
    }
}

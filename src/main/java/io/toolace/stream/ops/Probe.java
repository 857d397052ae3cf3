package io.toolace.stream.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The image's HEALTHCHECK: {@code java -cp toolace-stream.jar io.toolace.stream.ops.Probe URL} exits 0 when
 * URL answers 200 and 1 otherwise, printing the answer. The JRE image has no curl, and a command of its own
 * would start the whole CLI for one request.
 */
public final class Probe {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Probe() {}

    public static void main(final String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: Probe URL");
            System.exit(2);
        }
        System.exit(check(URI.create(args[0])));
    }

    /** 0 when {@code url} answers 200, else 1. */
    static int check(final URI url) throws InterruptedException {
        try {
            final HttpResponse<String> answer = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(HttpRequest.newBuilder(url).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println(answer.statusCode() + " " + answer.body());
            return answer.statusCode() == 200 ? 0 : 1;
        } catch (final IOException e) {
            System.out.println(url + ": " + e);
            return 1;
        }
    }
}

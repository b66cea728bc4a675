package io.phenostream.ingest.http;

import java.util.List;

/**
 * A request the ingest API answers with an error status: the message goes to the client as
 * {@code {"error": "..."}}, with the individual problems when there are several (e.g. incomplete sites).
 */
public final class HttpFailure extends RuntimeException {

    private final int status;
    private final List<String> problems;

    public HttpFailure(final int status, final String message) {
        this(status, message, List.of(), null);
    }

    public HttpFailure(final int status, final String message, final List<String> problems, final Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    public int status() {
        return status;
    }

    public List<String> problems() {
        return problems;
    }

    static HttpFailure badRequest(final String message) {
        return new HttpFailure(400, message);
    }

    static HttpFailure notFound(final String message) {
        return new HttpFailure(404, message);
    }

    static HttpFailure conflict(final String message) {
        return new HttpFailure(409, message);
    }
}

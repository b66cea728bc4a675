package io.phenostream.sink.api;

/**
 * A request the API answers with an error status and a message meant for the caller: 400 (a bad parameter, named
 * in the message), 404 (an unknown experiment, analysis, plate, compound or well). The message may quote user
 * input; pages escape it and JSON encodes it.
 */
public final class ApiException extends RuntimeException {

    private final int status;

    public ApiException(final int status, final String message) {
        super(message);
        this.status = status;
    }

    public static ApiException badRequest(final String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(final String message) {
        return new ApiException(404, message);
    }

    public int status() {
        return status;
    }
}

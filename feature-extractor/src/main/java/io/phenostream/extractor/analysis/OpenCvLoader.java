package io.phenostream.extractor.analysis;

/** Loads the OpenCV native library bundled in the openpnp jar, once per JVM. */
public final class OpenCvLoader {

    private static volatile boolean loaded;

    private OpenCvLoader() {
    }

    /** Idempotent and thread-safe; the first caller pays the extraction of the native library. */
    public static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (OpenCvLoader.class) {
            if (!loaded) {
                nu.pattern.OpenCV.loadLocally();
                loaded = true;
            }
        }
    }
}

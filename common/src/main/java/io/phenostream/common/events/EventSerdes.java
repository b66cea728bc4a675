package io.phenostream.common.events;

import io.phenostream.common.json.JsonSerde;

/** The serde of every topic's value type. */
public final class EventSerdes {

    private EventSerdes() {
    }

    public static JsonSerde<PlateRun> plateRun() {
        return new JsonSerde<>(PlateRun.class, PlateRun.SCHEMA_VERSION);
    }

    public static JsonSerde<ImageSet> imageSet() {
        return new JsonSerde<>(ImageSet.class, ImageSet.SCHEMA_VERSION);
    }

    public static JsonSerde<SiteFeatures> siteFeatures() {
        return new JsonSerde<>(SiteFeatures.class, SiteFeatures.SCHEMA_VERSION);
    }

    public static JsonSerde<WellProfile> wellProfile() {
        return new JsonSerde<>(WellProfile.class, WellProfile.SCHEMA_VERSION);
    }

    public static JsonSerde<CompoundScore> compoundScore() {
        return new JsonSerde<>(CompoundScore.class, CompoundScore.SCHEMA_VERSION);
    }

    public static JsonSerde<PlateQc> plateQc() {
        return new JsonSerde<>(PlateQc.class, PlateQc.SCHEMA_VERSION);
    }

    public static JsonSerde<ReplayProgress> replayProgress() {
        return new JsonSerde<>(ReplayProgress.class, ReplayProgress.SCHEMA_VERSION);
    }

    public static JsonSerde<DeadLetter> deadLetter() {
        return new JsonSerde<>(DeadLetter.class, DeadLetter.SCHEMA_VERSION);
    }
}

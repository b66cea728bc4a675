package io.phenostream.common.s3;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** AWS SDK v2 S3 client for any S3 API server: endpoint override and path-style addressing. */
public final class S3ClientFactory {

    private S3ClientFactory() {
    }

    public static S3Client create(final PhenoConfig config) {
        final var builder = S3Client.builder()
            .region(Region.of(config.require(ConfigKey.S3_REGION)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                config.require(ConfigKey.S3_ACCESS_KEY), config.require(ConfigKey.S3_SECRET_KEY))))
            .serviceConfiguration(S3Configuration.builder()
                .pathStyleAccessEnabled(config.getBoolean(ConfigKey.S3_PATH_STYLE)).build());
        config.get(ConfigKey.S3_ENDPOINT).ifPresent(e -> builder.endpointOverride(URI.create(e)));
        return builder.build();
    }
}

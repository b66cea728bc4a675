package io.phenostream.extractor.analysis;

import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Decodes one encoded channel image (TIFF, PNG, ...; 8 or 16 bit) into a float32 Mat scaled to [0,1]. */
final class ChannelDecoder {

    private static final int FLAGS = Imgcodecs.IMREAD_ANYDEPTH | Imgcodecs.IMREAD_GRAYSCALE;

    private ChannelDecoder() {
    }

    /**
     * @return a CV_32FC1 Mat owned by {@code scope}, each pixel divided by the bit depth's maximum
     * @throws ImageDecodeException naming the channel when the bytes are empty, undecodable, of an unsupported
     *                              depth or smaller than 2x2
     */
    static Mat decode(final String channel, final byte[] bytes, final MatScope scope) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(channel, "image is empty (0 bytes)");
        }
        final MatOfByte buffer = scope.track(new MatOfByte(bytes));
        final Mat raw;
        try {
            raw = scope.track(Imgcodecs.imdecode(buffer, FLAGS));
        } catch (final CvException e) {
            throw new ImageDecodeException(channel, "cannot decode " + bytes.length + " bytes: " + e.getMessage());
        }
        if (raw.empty()) {
            throw new ImageDecodeException(channel, "cannot decode " + bytes.length
                + " bytes as an image (not a TIFF/PNG/JPEG OpenCV can read, or truncated)");
        }
        if (raw.cols() < 2 || raw.rows() < 2) {
            throw new ImageDecodeException(channel, "image is " + raw.cols() + "x" + raw.rows()
                + " pixels; at least 2x2 is needed");
        }
        final double fullScale = switch (raw.depth()) {
            case CvType.CV_8U -> 255.0;
            case CvType.CV_16U -> 65535.0;
            default -> throw new ImageDecodeException(channel, "unsupported pixel type "
                + CvType.typeToString(raw.type()) + "; expected 8- or 16-bit unsigned");
        };
        final Mat scaled = scope.mat();
        raw.convertTo(scaled, CvType.CV_32F, 1.0 / fullScale);
        return scaled;
    }
}

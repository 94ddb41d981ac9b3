package dev.courier.image;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import net.coobird.thumbnailator.Thumbnails;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code image.thumbnail} (queue media): scales one source image to one or more sizes and formats
 * with Thumbnailator, keeping its aspect ratio inside each box.
 *
 * <pre>{"source": {"file": "photos/cat.png"} | {"url": "https://…"},
 *  "sizes": [{"width": 128, "height": 128, "format": "png"}, …],
 *  "output": "files" | "inline"}</pre>
 *
 * Files are read under {@code courier.images.input-dir}, URLs only under a prefix of {@code
 * courier.images.allowed-urls}; thumbnails are written to {@code courier.images.output-dir/<task
 * id>/} or, with {@code "inline"}, returned in base64 when at most {@code
 * courier.images.inline-max-bytes}. A source that is not an image, a format without an ImageIO
 * writer, or a path or URL outside what is allowed fails at once (no retry).
 */
@ApplicationScoped
@TaskType("image.thumbnail")
public class ThumbnailHandler implements TaskHandler {

  private static final int MAX_SIZES = 20;
  private static final int MAX_EDGE = 10_000;

  @Inject
  @ConfigProperty(name = "courier.images.input-dir")
  String inputDir;

  @Inject
  @ConfigProperty(name = "courier.images.output-dir")
  String outputDir;

  @Inject
  @ConfigProperty(name = "courier.images.allowed-urls")
  Optional<String> allowedUrls;

  @Inject
  @ConfigProperty(name = "courier.images.inline-max-bytes", defaultValue = "65536")
  int inlineMaxBytes;

  @Inject
  @ConfigProperty(name = "courier.images.max-source-bytes", defaultValue = "52428800")
  long maxSourceBytes;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private record Size(int width, int height, String format) {}

  @Override
  public JsonValue run(TaskContext task) throws IOException, InterruptedException {
    JsonObject payload = task.payload();
    List<Size> sizes = sizes(payload);
    boolean inline = "inline".equals(payload.getString("output", "files"));
    BufferedImage source = decode(read(payload));
    JsonArrayBuilder thumbnails = JSON.createArrayBuilder();
    for (int i = 0; i < sizes.size(); i++) {
      Size size = sizes.get(i);
      var bytes = new ByteArrayOutputStream();
      var builder =
          Thumbnails.of(source).size(size.width(), size.height()).outputFormat(size.format());
      if (!size.format().equals("png") && !size.format().equals("gif")) {
        builder.imageType(BufferedImage.TYPE_INT_RGB); // JPEG and BMP have no alpha channel
      }
      builder.toOutputStream(bytes);
      BufferedImage written = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
      JsonObjectBuilder thumbnail =
          JSON.createObjectBuilder()
              .add("width", written.getWidth())
              .add("height", written.getHeight())
              .add("format", size.format())
              .add("bytes", bytes.size());
      if (inline && bytes.size() <= inlineMaxBytes) {
        thumbnail.add("base64", Base64.getEncoder().encodeToString(bytes.toByteArray()));
      } else {
        Path dir = Path.of(outputDir).resolve(task.id());
        Files.createDirectories(dir);
        String name = size.width() + "x" + size.height() + "." + size.format();
        Files.write(dir.resolve(name), bytes.toByteArray());
        thumbnail.add("file", task.id() + "/" + name);
      }
      thumbnails.add(thumbnail);
      task.progress((i + 1) * 100 / sizes.size(), "thumbnail " + (i + 1) + " of " + sizes.size());
    }
    return JSON.createObjectBuilder()
        .add(
            "source",
            JSON.createObjectBuilder()
                .add("width", source.getWidth())
                .add("height", source.getHeight()))
        .add("thumbnails", thumbnails)
        .build();
  }

  private static List<Size> sizes(JsonObject payload) {
    if (!(payload.get("sizes") instanceof jakarta.json.JsonArray array)
        || array.isEmpty()
        || array.size() > MAX_SIZES) {
      throw TaskFailure.permanent("'sizes' must be an array of 1 to " + MAX_SIZES + " sizes");
    }
    return array.stream()
        .map(
            value -> {
              if (!(value instanceof JsonObject size)) {
                throw TaskFailure.permanent("each size is an object {width, height, format}");
              }
              String format = size.getString("format", "png").toLowerCase(Locale.ROOT);
              if (format.equals("jpeg")) {
                format = "jpg";
              }
              if (!ImageIO.getImageWritersByFormatName(format).hasNext()) {
                throw TaskFailure.permanent(
                    "cannot write format '"
                        + format
                        + "'; available: "
                        + formats(ImageIO.getWriterFormatNames()));
              }
              return new Size(edge(size, "width"), edge(size, "height"), format);
            })
        .toList();
  }

  private static int edge(JsonObject size, String name) {
    if (!(size.get(name) instanceof JsonNumber n)
        || !n.isIntegral()
        || n.intValue() < 1
        || n.intValue() > MAX_EDGE) {
      throw TaskFailure.permanent("'" + name + "' must be a whole number from 1 to " + MAX_EDGE);
    }
    return n.intValue();
  }

  private byte[] read(JsonObject payload) throws IOException, InterruptedException {
    if (!(payload.get("source") instanceof JsonObject source)) {
      throw TaskFailure.permanent("'source' must be {\"file\": \"…\"} or {\"url\": \"…\"}");
    }
    if (source.containsKey("file")) {
      Path root = Path.of(inputDir).toAbsolutePath().normalize();
      Path file = root.resolve(source.getString("file")).normalize();
      if (!file.startsWith(root)) {
        throw TaskFailure.permanent("the file must be inside the image input folder");
      }
      if (!Files.isRegularFile(file)) {
        throw TaskFailure.permanent("no such image: " + root.relativize(file));
      }
      if (Files.size(file) > maxSourceBytes) {
        throw TaskFailure.permanent("the image is larger than " + maxSourceBytes + " bytes");
      }
      return Files.readAllBytes(file);
    }
    String url = source.getString("url", "");
    if (!(url.startsWith("http://") || url.startsWith("https://"))
        || allowedUrls.stream()
            .flatMap(list -> java.util.Arrays.stream(list.split(",")))
            .map(String::trim)
            .filter(prefix -> !prefix.isEmpty())
            .noneMatch(url::startsWith)) {
      throw TaskFailure.permanent(
          "the URL is not on the allow-list (courier.images.allowed-urls): " + url);
    }
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() >= 400 && response.statusCode() < 500) {
        throw TaskFailure.permanent("the URL answered " + response.statusCode());
      }
      if (response.statusCode() >= 300) {
        throw new TaskFailure("the URL answered " + response.statusCode() + "; will retry");
      }
      byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxSourceBytes + 1));
      if (bytes.length > maxSourceBytes) {
        throw TaskFailure.permanent("the image is larger than " + maxSourceBytes + " bytes");
      }
      return bytes;
    }
  }

  private static String formats(String[] names) {
    return String.join(
        ", ",
        new java.util.TreeSet<>(
            java.util.Arrays.stream(names).map(n -> n.toLowerCase(Locale.ROOT)).toList()));
  }

  private static BufferedImage decode(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) {
        throw TaskFailure.permanent(
            "the source is not an image in a format ImageIO reads ("
                + formats(ImageIO.getReaderFormatNames())
                + ")");
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e instanceof TaskFailure failure) {
        throw failure;
      }
      throw TaskFailure.permanent("the image is corrupt: " + e.getMessage());
    }
  }
}

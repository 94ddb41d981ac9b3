package dev.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ready-made handlers end to end on Payara Micro: image.thumbnail (files, an allowed URL,
 * inline results, corrupt input), email.campaign and email.send against a real SMTP server
 * (GreenMail, in this JVM on 127.0.0.1:3025) including a server that is down at first, and
 * data.transform (CSV and JSON both ways, mapping, bad rows). micro/pom.xml points Courier's
 * folders at {@code courier.it.files}.
 */
@RunAsClient
class HandlersIT extends CourierIT {

  private static final Path FILES =
      Path.of(System.getProperty("courier.it.files", "target/it-files/local"));
  private static final ServerSetup SMTP =
      new ServerSetup(3025, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
  private static GreenMail mail;
  private static HttpServer web;

  @BeforeAll
  static void startServers() throws IOException {
    mail = new GreenMail(SMTP);
    mail.start();
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 18090), 0);
    byte[] picture = png(320, 240);
    web.createContext(
        "/",
        exchange -> {
          boolean allowed = exchange.getRequestURI().getPath().equals("/allowed/pic.png");
          exchange.sendResponseHeaders(allowed ? 200 : 404, allowed ? picture.length : -1);
          if (allowed) {
            exchange.getResponseBody().write(picture);
          }
          exchange.close();
        });
    web.start();
    Files.createDirectories(FILES.resolve("images/in"));
    Files.createDirectories(FILES.resolve("transform"));
  }

  @AfterAll
  static void stopServers() {
    mail.stop();
    web.stop(0);
  }

  private static byte[] png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, new Color(0, 0, 255, 128)));
    g.fillRect(0, 0, width, height);
    g.dispose();
    var bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }

  private String submit(String json) {
    var response = courier.submit(json);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().asJsonObject().getString("id");
  }

  private JsonObject finished(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                List.of("SUCCEEDED", "DEAD", "CANCELLED")
                    .contains(courier.task(id).getString("state")));
    return courier.task(id);
  }

  private static String formatOf(byte[] bytes) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      return reader.getFormatName().toLowerCase();
    }
  }

  @Test
  void thumbnailsOfAFileComeInEachSizeAndFormatKeepingTheAspectRatio() throws IOException {
    String name = "it/" + UUID.randomUUID() + ".png";
    Files.createDirectories(FILES.resolve("images/in/it"));
    Files.write(FILES.resolve("images/in").resolve(name), png(640, 480));

    String id =
        submit(
            "{\"type\":\"image.thumbnail\",\"payload\":{\"source\":{\"file\":\""
                + name
                + "\"},\"sizes\":[{\"width\":200,\"height\":200,\"format\":\"png\"},"
                + "{\"width\":100,\"height\":100,\"format\":\"jpg\"},{\"width\":64,\"height\":64,\"format\":\"gif\"}]}}");
    JsonObject task = finished(id);

    assertThat(task.getString("state")).as(task.toString()).isEqualTo("SUCCEEDED");
    assertThat(task.getString("queue")).isEqualTo("media");
    assertThat(task.getJsonObject("progress").getInt("percent")).isEqualTo(100);
    List<JsonObject> thumbnails =
        task.getJsonObject("result").getJsonArray("thumbnails").getValuesAs(JsonObject.class);
    assertThat(thumbnails).hasSize(3);
    int[][] expected = {{200, 150}, {100, 75}, {64, 48}};
    String[] formats = {"png", "jpeg", "gif"};
    for (int i = 0; i < 3; i++) {
      byte[] file =
          Files.readAllBytes(
              FILES.resolve("images/out").resolve(thumbnails.get(i).getString("file")));
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(file));
      assertThat(new int[] {image.getWidth(), image.getHeight()}).isEqualTo(expected[i]);
      assertThat(formatOf(file)).isEqualTo(formats[i]);
    }
  }

  @Test
  void aThumbnailOfAnAllowedUrlComesBackInline() throws IOException {
    String id =
        submit(
            "{\"type\":\"image.thumbnail\",\"payload\":{\"source\":{\"url\":\"http://127.0.0.1:18090/allowed/pic.png\"},"
                + "\"sizes\":[{\"width\":32,\"height\":32}],\"output\":\"inline\"}}");
    JsonObject task = finished(id);

    assertThat(task.getString("state")).as(task.toString()).isEqualTo("SUCCEEDED");
    String base64 =
        task.getJsonObject("result")
            .getJsonArray("thumbnails")
            .getJsonObject(0)
            .getString("base64");
    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    assertThat(image.getWidth()).isEqualTo(32);
    assertThat(image.getHeight()).isEqualTo(24);
  }

  @Test
  void badImagesFailAtOnceWithoutRetries() throws IOException {
    String corrupt = "it/" + UUID.randomUUID() + ".png";
    Files.createDirectories(FILES.resolve("images/in/it"));
    Files.write(
        FILES.resolve("images/in").resolve(corrupt),
        "not a picture at all".getBytes(StandardCharsets.UTF_8));
    String good = "it/" + UUID.randomUUID() + ".png";
    Files.write(FILES.resolve("images/in").resolve(good), png(40, 40));

    assertDeadAtOnce(thumbnail("{\"file\":\"" + corrupt + "\"}", "png"), "not an image");
    assertDeadAtOnce(
        thumbnail("{\"file\":\"" + good + "\"}", "webp"), "cannot write format 'webp'");
    assertDeadAtOnce(
        thumbnail("{\"file\":\"../../etc/passwd\"}", "png"), "inside the image input folder");
    assertDeadAtOnce(
        thumbnail("{\"url\":\"http://127.0.0.1:18090/elsewhere/pic.png\"}", "png"), "allow-list");
  }

  private String thumbnail(String source, String format) {
    return submit(
        "{\"type\":\"image.thumbnail\",\"payload\":{\"source\":"
            + source
            + ",\"sizes\":[{\"width\":16,\"height\":16,\"format\":\""
            + format
            + "\"}]}}");
  }

  private void assertDeadAtOnce(String id, String error) {
    JsonObject task = finished(id);
    assertThat(task.getString("state")).isEqualTo("DEAD");
    assertThat(task.getInt("attempts")).isEqualTo(1);
    assertThat(task.getString("error")).contains(error);
  }

  @Test
  void aCampaignSendsOneMailPerRecipientWithItsValuesFilledIn() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String id =
        submit(
            "{\"type\":\"email.campaign\",\"payload\":{\"subject\":\"Hello {{name}} "
                + tag
                + "\",\"text\":\"Dear {{name}}, your code is {{code}}.\","
                + "\"html\":\"<p>Dear {{name}}, your code is <b>{{code}}</b>.</p>\",\"recipients\":["
                + "{\"email\":\"ann-"
                + tag
                + "@example.com\",\"values\":{\"name\":\"Ann\",\"code\":\"A1\"}},"
                + "{\"email\":\"bob-"
                + tag
                + "@example.com\",\"values\":{\"name\":\"Bob <admin>\",\"code\":\"B2\"}},"
                + "{\"email\":\"cy-"
                + tag
                + "@example.com\",\"values\":{\"name\":\"Cy\",\"code\":3}}]}}");
    JsonObject campaign = finished(id);

    assertThat(campaign.getString("state")).as(campaign.toString()).isEqualTo("SUCCEEDED");
    assertThat(campaign.getJsonObject("result"))
        .isEqualTo(
            Json.createObjectBuilder()
                .add("recipients", 3)
                .add("sent", 3)
                .add("failed", 0)
                .build());
    assertThat(campaign.getJsonObject("progress").getString("message"))
        .isEqualTo("sent 3, failed 0, pending 0");
    List<MimeMessage> received =
        Arrays.stream(mail.getReceivedMessages()).filter(m -> subject(m).endsWith(tag)).toList();
    assertThat(received).hasSize(3);
    MimeMessage bob =
        received.stream().filter(m -> subject(m).startsWith("Hello Bob")).findFirst().orElseThrow();
    String body = GreenMailUtil.getBody(bob);
    assertThat(body).contains("Dear Bob <admin>, your code is B2.");
    assertThat(body).contains("Dear Bob &lt;admin&gt;, your code is <b>B2</b>.");
    assertThat(bob.getAllRecipients()[0].toString()).isEqualTo("bob-" + tag + "@example.com");
    List<JsonObject> children =
        courier
            .get("tasks?keyPrefix=campaign:" + id + ":")
            .json()
            .asJsonObject()
            .getJsonArray("items")
            .getValuesAs(JsonObject.class);
    assertThat(children)
        .hasSize(3)
        .allMatch(
            c -> c.getString("queue").equals("email") && c.getString("type").equals("email.send"));
  }

  private static String subject(MimeMessage message) {
    try {
      return message.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRecipientWhoseServerIsDownAtFirstGetsTheMailOnARetry() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    mail.stop();
    String id;
    try {
      id =
          submit(
              "{\"type\":\"email.campaign\",\"payload\":{\"subject\":\"Later "
                  + tag
                  + "\",\"text\":\"Hi {{email}}\",\"recipients\":[{\"email\":\"late-"
                  + tag
                  + "@example.com\"}]}}");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                var children =
                    courier
                        .get("tasks?keyPrefix=campaign:" + id + ":")
                        .json()
                        .asJsonObject()
                        .getJsonArray("items");
                return children.size() == 1
                    && children.getJsonObject(0).getInt("attempts") >= 1
                    && children.getJsonObject(0).getString("state").equals("FAILED");
              });
    } finally {
      mail = new GreenMail(SMTP);
      mail.start();
    }
    JsonObject campaign = finished(id);

    assertThat(campaign.getJsonObject("result").getInt("sent"))
        .as(campaign.toString())
        .isEqualTo(1);
    JsonObject child =
        courier
            .get("tasks?keyPrefix=campaign:" + id + ":")
            .json()
            .asJsonObject()
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(child.getInt("attempts")).isGreaterThanOrEqualTo(2);
    assertThat(
            Arrays.stream(mail.getReceivedMessages())
                .filter(m -> subject(m).equals("Later " + tag)))
        .hasSize(1);
  }

  @Test
  void aCampaignWithAMissingValueOrABadAddressFailsBeforeSending() {
    assertDeadAtOnce(
        submit(
            "{\"type\":\"email.campaign\",\"payload\":{\"subject\":\"Hi {{name}}\",\"text\":\"x\","
                + "\"recipients\":[{\"email\":\"a@example.com\",\"values\":{\"name\":\"A\"}},{\"email\":\"b@example.com\"}]}}"),
        "recipient 1 (b@example.com) has no value for {{name}}");
    assertDeadAtOnce(
        submit(
            "{\"type\":\"email.send\",\"payload\":{\"to\":\"not an address\",\"subject\":\"s\",\"text\":\"t\"}}"),
        "is not an e-mail address");
  }

  @Test
  void csvBecomesJsonThroughAMappingAndBadRowsAreCountedWithTheirLines() {
    String csv = "name,age,city,secret\\nAnn,31,Paris,x\\nBob,old,Rome,y\\nCy,40,Oslo,z\\nDee,7\\n";
    String id =
        submit(
            "{\"type\":\"data.transform\",\"payload\":{\"from\":\"csv\",\"to\":\"json\",\"input\":{\"inline\":\""
                + csv
                + "\"},\"mapping\":[{\"from\":\"name\",\"to\":\"who\"},{\"from\":\"age\",\"type\":\"int\"},"
                + "{\"to\":\"label\",\"expr\":\"${name} (${city})\"}]}}");
    JsonObject result = finished(id).getJsonObject("result");

    assertThat(result.getInt("rows")).isEqualTo(4);
    assertThat(result.getInt("written")).isEqualTo(2);
    assertThat(result.getInt("skipped")).isEqualTo(2);
    assertThat(result.getJsonArray("errors").getJsonObject(0).getInt("line")).isEqualTo(3);
    assertThat(result.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("'old' is not a int");
    assertThat(result.getJsonArray("errors").getJsonObject(1).getInt("line")).isEqualTo(5);
    assertThat(result.getJsonArray("data").toString())
        .isEqualTo(
            "[{\"who\":\"Ann\",\"age\":31,\"label\":\"Ann (Paris)\"},{\"who\":\"Cy\",\"age\":40,\"label\":\"Cy (Oslo)\"}]");

    String failing =
        submit(
            "{\"type\":\"data.transform\",\"payload\":{\"from\":\"csv\",\"to\":\"json\",\"onError\":\"fail\",\"input\":{\"inline\":\""
                + csv
                + "\"},\"mapping\":[{\"from\":\"age\",\"type\":\"int\"}]}}");
    assertDeadAtOnce(failing, "row at line 3");
  }

  @Test
  void aPayloadOfTheWrongShapeIsDeadAtOnceWithTheReasonForAnyHandler() {
    // a string where data.transform reads an object: the JSON accessor's ClassCastException
    assertDeadAtOnce(
        submit(
            "{\"type\":\"data.transform\",\"payload\":{\"from\":\"csv\",\"to\":\"json\","
                + "\"input\":{\"inline\":\"a\\n1\\n\"},\"output\":\"inline\"}}"),
        "the payload does not have the shape a 'data.transform' task takes");
    // an array where it reads an object
    assertDeadAtOnce(
        submit(
            "{\"type\":\"data.transform\",\"payload\":{\"from\":\"csv\",\"to\":\"json\","
                + "\"input\":[1,2]}}"),
        "the payload does not have the shape");
  }

  @Test
  void aLargeCsvFileRoundTripsThroughJsonUnchanged() throws IOException {
    String run = "it-" + UUID.randomUUID();
    Path dir = FILES.resolve("transform").resolve(run);
    Files.createDirectories(dir);
    List<String> lines =
        IntStream.range(0, 50_000)
            .mapToObj(
                i -> i + ",item " + i + ",\"note, with comma " + (i % 7) + "\"," + (i % 2 == 0))
            .toList();
    Files.write(
        dir.resolve("in.csv"),
        ("id,name,note,even\r\n" + String.join("\r\n", lines) + "\r\n")
            .getBytes(StandardCharsets.UTF_8));

    JsonObject toJson =
        finished(
            submit(
                "{\"type\":\"data.transform\",\"payload\":{\"from\":\"csv\",\"to\":\"json\",\"input\":{\"file\":\""
                    + run
                    + "/in.csv\"},\"output\":{\"file\":\""
                    + run
                    + "/out.json\"}}}"));
    assertThat(toJson.getString("state")).as(toJson.toString()).isEqualTo("SUCCEEDED");
    assertThat(toJson.getJsonObject("result").getInt("written")).isEqualTo(50_000);
    JsonObject back =
        finished(
            submit(
                "{\"type\":\"data.transform\",\"payload\":{\"from\":\"json\",\"to\":\"csv\",\"input\":{\"file\":\""
                    + run
                    + "/out.json\"},\"output\":{\"file\":\""
                    + run
                    + "/back.csv\"}}}"));
    assertThat(back.getString("state")).as(back.toString()).isEqualTo("SUCCEEDED");
    assertThat(back.getJsonObject("progress").getInt("percent")).isEqualTo(100);
    assertThat(Files.readAllLines(dir.resolve("back.csv")))
        .isEqualTo(Files.readAllLines(dir.resolve("in.csv")));
  }
}

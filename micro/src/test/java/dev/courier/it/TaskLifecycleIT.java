package dev.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A task's life on Payara Micro with the embedded broker: submitted over HTTP or JMS, run by the
 * MDB, retried with back-off, dead-lettered; and bad input of each kind. The broker runs with short
 * redelivery delays and a 64 KiB payload limit (micro/pom.xml) and a fresh data directory per run.
 */
@RunAsClient
class TaskLifecycleIT extends CourierIT {

  private static String aKey() {
    return "it-" + UUID.randomUUID();
  }

  /**
   * The Artemis console at /console (Hawtio with Jolokia) reads the embedded broker: only a
   * logged-in admin of Courier's user store gets in; it sees the queue depth the API reports,
   * deletes a dead letter and retries the others, whose tasks then run afresh.
   */
  @Test
  void theArtemisConsoleWantsAnAdminAndReadsCourierQueues() throws Exception {
    String serial =
        "org.apache.activemq.artemis:broker=%22courier%22,component=addresses,address=%22courier.tasks.serial%22,"
            + "subcomponent=queues,routing-type=%22anycast%22,queue=%22courier.tasks.serial%22";
    String dlq = serial.replace("courier.tasks.serial", "courier.tasks.serial.dlq");
    String console = "http://127.0.0.1:" + base.getPort() + "/console/jolokia/";
    var http = java.net.http.HttpClient.newHttpClient();
    java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> call =
        (authorization, path) -> {
          var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(console + path));
          if (authorization != null) {
            request.header("Authorization", authorization);
          }
          try {
            return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    String admin = Courier.basic(Courier.USER, Courier.PASSWORD);
    for (String stranger :
        java.util.Arrays.asList(
            null,
            Courier.basic(Courier.USER, "wrong"),
            Courier.basic("it-submitter", "it-submitter-pw"))) {
      assertThat(call.apply(stranger, "read/" + serial + "/MessageCount").statusCode())
          .as("console for %s", stranger)
          .isIn(401, 403);
    }

    courier.post("queues/serial/pause", "application/json", "");
    try {
      for (int i = 0; i < 2; i++) {
        courier.submit("{\"type\":\"echo\",\"queue\":\"serial\"}");
      }
      long depth =
          courier.get("queues/serial").json().asJsonObject().getJsonNumber("depth").longValue();
      assertThat(depth).isGreaterThanOrEqualTo(2);
      var read = call.apply(admin, "read/" + serial + "/MessageCount");
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonObject answer = Json.createReader(new StringReader(read.body())).readObject();
      assertThat(answer.getJsonNumber("value").longValue()).isEqualTo(depth);
    } finally {
      courier.post("queues/serial/resume", "application/json", "");
    }

    // three dead letters: two whose dependency recovers (one dead-lettered by the broker after
    // its attempts, one by Courier at once for a permanent failure) and one that never recovers
    java.time.Instant recovers = java.time.Instant.now().plusSeconds(8);
    String failing = "\"message\":\"db down\",\"until\":\"" + recovers + "\"";
    String recovered =
        courier
            .submit("{\"type\":\"fail\",\"queue\":\"serial\",\"payload\":{" + failing + "}}")
            .json()
            .asJsonObject()
            .getString("id");
    String permanent =
        courier
            .submit(
                "{\"type\":\"fail\",\"queue\":\"serial\",\"payload\":{"
                    + failing
                    + ",\"permanent\":true}}")
            .json()
            .asJsonObject()
            .getString("id");
    String hopeless =
        courier
            .submit("{\"type\":\"fail\",\"queue\":\"serial\"}")
            .json()
            .asJsonObject()
            .getString("id");
    for (String id : List.of(recovered, permanent, hopeless)) {
      await()
          .atMost(Courier.patience())
          .until(() -> courier.task(id).getString("state").equals("DEAD"));
    }
    assertThat(courier.task(permanent).getInt("attempts")).isEqualTo(1);
    // the queue's dead letters by task (earlier test classes may have left others there)
    java.util.function.Supplier<java.util.Map<String, String>> deadLetters =
        () ->
            courier
                .get("queues/serial/dead-letters?limit=1000")
                .json()
                .asJsonArray()
                .getValuesAs(JsonObject.class)
                .stream()
                .filter(d -> d.get("taskId") instanceof jakarta.json.JsonString)
                .collect(
                    java.util.stream.Collectors.toMap(
                        d -> d.getString("taskId"), d -> d.getString("messageId"), (a, b) -> a));
    await()
        .atMost(Courier.patience())
        .until(
            () -> deadLetters.get().keySet().containsAll(List.of(recovered, permanent, hopeless)));
    // the broker keeps each dead letter once: the address holds its declared queue and no other
    String dlqAddress =
        "org.apache.activemq.artemis:broker=%22courier%22,component=addresses,"
            + "address=%22courier.tasks.serial.dlq%22";
    var queueNames = call.apply(admin, "read/" + dlqAddress + "/QueueNames");
    assertThat(queueNames.statusCode()).as(queueNames.body()).isEqualTo(200);
    assertThat(
            Json.createReader(new StringReader(queueNames.body()))
                .readObject()
                .getJsonArray("value")
                .getValuesAs(jakarta.json.JsonString.class))
        .extracting(jakarta.json.JsonString::getString)
        .containsExactly("courier.tasks.serial.dlq");

    // delete one dead letter from the console, by a filter on its task
    var removed =
        call.apply(
            admin,
            "exec/"
                + dlq
                + "/removeMessages(java.lang.String)/courier_task_id%20%3D%20%27"
                + hopeless
                + "%27");
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    JsonObject removal = Json.createReader(new StringReader(removed.body())).readObject();
    assertThat(removal.getInt("status")).as(removed.body()).isEqualTo(200);
    assertThat(removal.getInt("value")).as(removed.body()).isEqualTo(1);

    // retry the rest from the console once the dependency is back: each task starts afresh
    await().atMost(Duration.ofSeconds(30)).until(() -> java.time.Instant.now().isAfter(recovers));
    java.util.Map<String, String> letters = deadLetters.get();
    assertThat(letters).doesNotContainKey(hopeless);
    for (String id : List.of(recovered, permanent)) {
      var retried = call.apply(admin, "exec/" + dlq + "/retryMessage(long)/" + letters.get(id));
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
      assertThat(
              Json.createReader(new StringReader(retried.body())).readObject().getBoolean("value"))
          .as(retried.body())
          .isTrue();
    }
    for (String id : List.of(recovered, permanent)) {
      await()
          .atMost(Courier.patience())
          .until(() -> courier.task(id).getString("state").equals("SUCCEEDED"));
      assertThat(courier.task(id).getInt("attempts")).as(id).isEqualTo(1);
    }
    assertThat(courier.task(hopeless).getString("state")).isEqualTo("DEAD");
    assertThat(deadLetters.get()).doesNotContainKeys(recovered, permanent, hopeless);
  }

  /**
   * The dashboard in a real browser (headless Chromium from the Debian packages chromium and
   * chromium-driver): log in, submit a task and watch it reach SUCCEEDED, retry a dead letter; the
   * screenshots land in target/screenshots.
   */
  @Test
  void theDashboardRunsATaskAndRetriesADeadLetterInChromium() throws Exception {
    java.time.Instant recovers = java.time.Instant.now().plusSeconds(5);
    String dead =
        courier
            .submit(
                "{\"type\":\"fail\",\"queue\":\"media\",\"payload\":{\"message\":\"smtp down\","
                    + "\"until\":\""
                    + recovers
                    + "\"}}")
            .json()
            .asJsonObject()
            .getString("id");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(dead).getString("state").equals("DEAD"));

    Path driver = Path.of(System.getProperty("courier.it.chromedriver", "/usr/bin/chromedriver"));
    assertThat(driver)
        .as("chromedriver: install the Debian packages chromium and chromium-driver (.ci/run does)")
        .exists();
    var options = new org.openqa.selenium.chrome.ChromeOptions();
    options.setBinary(System.getProperty("courier.it.chromium", "/usr/bin/chromium"));
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
    var service =
        new org.openqa.selenium.chrome.ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .build();
    org.openqa.selenium.chrome.ChromeDriver browser =
        new org.openqa.selenium.chrome.ChromeDriver(service, options);
    Path shots = Files.createDirectories(Path.of("target", "screenshots"));
    try {
      // the task page re-renders every second while the task runs
      var wait =
          new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(30))
              .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
      browser.get("http://127.0.0.1:" + base.getPort() + "/");
      wait.until(d -> d.findElement(By.id("login-user")).isDisplayed());
      browser.findElement(By.id("login-user")).sendKeys(Courier.USER);
      browser.findElement(By.id("login-password")).sendKeys(Courier.PASSWORD);
      browser.findElement(By.id("login-submit")).click();

      // the overview: counts by state, the chart, the queues
      wait.until(d -> d.findElement(By.id("count-SUCCEEDED")).isDisplayed());
      wait.until(d -> d.findElement(By.id("throughput")).isDisplayed());
      wait.until(d -> d.findElement(By.id("queue-default")).isDisplayed());

      browser.findElement(By.id("submit-payload")).clear();
      browser.findElement(By.id("submit-payload")).sendKeys("{\"from\":\"chromium\"}");
      browser.findElement(By.id("submit-button")).click();
      wait.until(d -> d.findElement(By.id("submitted-task"))).click();
      wait.until(d -> d.findElement(By.id("task-state")).getText().equals("SUCCEEDED"));
      assertThat(browser.getPageSource()).contains("chromium");
      Files.write(
          shots.resolve("dashboard-task.png"),
          browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

      await().atMost(Duration.ofSeconds(30)).until(() -> java.time.Instant.now().isAfter(recovers));
      browser.get("http://127.0.0.1:" + base.getPort() + "/#/dead-letters/media");
      wait.until(d -> d.findElement(By.cssSelector("button.retry[data-id='" + dead + "']")))
          .click();
      wait.until(d -> d.getCurrentUrl().endsWith("#/task/" + dead));
      wait.until(d -> d.findElement(By.id("task-state")).getText().equals("SUCCEEDED"));
      assertThat(courier.task(dead).getString("state")).isEqualTo("SUCCEEDED");
      // the timeline keeps the attempts that failed before the dead letter was retried
      String timeline = browser.findElement(By.id("task-timeline")).getText();
      assertThat(timeline).contains("attempt 1 failed (FAILED)").contains("failed (DEAD)");
      assertThat(timeline).contains("smtp down");
      Files.write(
          shots.resolve("dashboard-retried-task.png"),
          browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

      // topics: subscriptions with their selectors, publishing, pausing a subscription
      browser.get("http://127.0.0.1:" + base.getPort() + "/#/topics");
      wait.until(d -> d.findElement(By.id("subscription-notifications-mail")).isDisplayed());
      assertThat(browser.findElement(By.id("subscription-notifications-mail")).getText())
          .contains("mailTo IS NOT NULL");
      String sensor = "dashboard-" + UUID.randomUUID();
      new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("publish-topic")))
          .selectByVisibleText("measurements");
      browser.findElement(By.id("publish-body")).clear();
      browser
          .findElement(By.id("publish-body"))
          .sendKeys("{\"key\":\"" + sensor + "\",\"value\":42}");
      browser.findElement(By.id("publish-button")).click();
      wait.until(d -> d.findElement(By.id("published-id")).getText().startsWith("ID:"));
      await()
          .atMost(Courier.patience())
          .until(
              () ->
                  courier
                          .get("streams/measurements?windowSeconds=300&key=" + sensor)
                          .json()
                          .asJsonObject()
                          .getInt("count")
                      == 1);
      By streams = By.cssSelector("#subscription-measurements-streams button");
      wait.until(d -> d.findElement(streams)).click();
      wait.until(d -> d.findElement(streams).getText().equals("Resume"));
      assertThat(browser.findElement(By.id("subscription-measurements-streams")).getText())
          .contains("paused");
      Files.write(
          shots.resolve("dashboard-topics.png"),
          browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
      wait.until(d -> d.findElement(streams)).click();
      wait.until(d -> d.findElement(streams).getText().equals("Pause"));

      browser.get("http://127.0.0.1:" + base.getPort() + "/#/");
      wait.until(d -> d.findElement(By.id("count-SUCCEEDED")).isDisplayed());
      Files.write(
          shots.resolve("dashboard.png"),
          browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } finally {
      browser.quit();
    }
  }

  @Test
  void theApiWantsAUserAndASubmitterSeesOnlyItsOwnTasks() {
    for (Courier stranger :
        List.of(
            courier.as(null, null),
            courier.as(Courier.USER, "wrong"),
            courier.as("courier-broker", System.getProperty("courier.it.brokerPassword")))) {
      for (String path : List.of("tasks", "queues", "topics", "no/such/path")) {
        Courier.Response response = stranger.get(path);
        assertThat(response.status()).as(path).isEqualTo(401);
        assertThat(response.problem().getString("title")).isEqualTo("Unauthorized");
      }
      assertThat(stranger.submit("{\"type\":\"echo\"}").status()).isEqualTo(401);
    }

    Courier submitter = courier.as("it-submitter", "it-submitter-pw");
    String key = "mine-" + UUID.randomUUID();
    Courier.Response submitted =
        submitter.submit("{\"type\":\"echo\",\"payload\":{\"n\":1},\"key\":\"" + key + "\"}");
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    JsonObject mine = submitted.json().asJsonObject();
    assertThat(mine.getString("owner")).isEqualTo("it-submitter");
    assertThat(submitter.get("tasks/" + mine.getString("id")).status()).isEqualTo(200);

    String othersId = courier.submit("{\"type\":\"echo\"}").json().asJsonObject().getString("id");
    assertThat(submitter.get("tasks/" + othersId).status())
        .as("another user's task")
        .isEqualTo(404);
    assertThat(
            submitter
                .get("tasks?limit=500")
                .json()
                .asJsonObject()
                .getJsonArray("items")
                .getValuesAs(JsonObject.class))
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.getString("owner", "")).isEqualTo("it-submitter"));
    assertThat(courier.get("tasks/" + mine.getString("id")).status())
        .as("admin reads all")
        .isEqualTo(200);
    assertThat(
            submitter
                .post(
                    "topics/measurements/messages",
                    "application/json",
                    "{\"body\":{\"key\":\"" + key + "\",\"value\":1}}")
                .status())
        .isEqualTo(202);

    List<String[]> adminOnly =
        List.of(
            new String[] {"GET", "queues"},
            new String[] {"POST", "queues/default/pause"},
            new String[] {"GET", "queues/default/dead-letters"},
            new String[] {"GET", "schedules"},
            new String[] {"POST", "schedules"},
            new String[] {"GET", "topics"},
            new String[] {"GET", "tasks/stats?keyPrefix=x"},
            new String[] {"DELETE", "tasks/" + mine.getString("id")},
            new String[] {"POST", "tasks/" + mine.getString("id") + "/cancel"},
            new String[] {"GET", "messages/expired"},
            new String[] {"GET", "logs"});
    for (String[] call : adminOnly) {
      Courier.Response response =
          switch (call[0]) {
            case "GET" -> submitter.get(call[1]);
            case "DELETE" -> submitter.delete(call[1]);
            default -> submitter.post(call[1], "application/json", "{}");
          };
      assertThat(response.status()).as("%s %s", call[0], call[1]).isEqualTo(403);
      assertThat(response.problem().getString("detail")).contains("it-submitter").contains("admin");
    }
  }

  @Test
  void anEchoTaskSubmittedOverHttpSucceedsWithThePayloadAsResult() {
    var response = courier.submit("{\"type\":\"echo\",\"payload\":{\"greeting\":\"hello\"}}");

    assertThat(response.status()).isEqualTo(201);
    JsonObject created = response.json().asJsonObject();
    String id = created.getString("id");
    assertThat(response.location()).endsWith("/api/tasks/" + id);
    assertThat(created.getString("state")).isIn("ENQUEUED", "PROCESSING", "SUCCEEDED");

    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(id).getString("state").equals("SUCCEEDED"));
    JsonObject task = courier.task(id);
    assertThat(task.getJsonObject("result").getString("greeting")).isEqualTo("hello");
    assertThat(task.getInt("attempts")).isEqualTo(1);
    assertThat(task.getString("startedAt")).isNotBlank();
    assertThat(task.getString("finishedAt")).isNotBlank();
    assertThat(task.getJsonArray("failures")).isEmpty();
  }

  @Test
  void aJmsTextMessageBecomesATaskThatSucceedsAndIsFoundByItsKey() {
    String key = aKey();
    Courier.sendText("{\"type\":\"echo\",\"payload\":{\"n\":7},\"key\":\"" + key + "\"}");

    await()
        .atMost(Courier.patience())
        .until(
            () -> {
              List<JsonObject> found = courier.tasksWithKey(key);
              return found.size() == 1 && found.get(0).getString("state").equals("SUCCEEDED");
            });
    JsonObject task = courier.tasksWithKey(key).get(0);
    assertThat(task.getString("type")).isEqualTo("echo");
    assertThat(task.getJsonObject("result").getInt("n")).isEqualTo(7);
  }

  @Test
  void aFailingTaskIsRetriedAndDiesAfterFiveAttemptsWithItsErrorInTheDeadLetterQueue() {
    var response = courier.submit("{\"type\":\"fail\",\"payload\":{\"message\":\"disk on fire\"}}");
    String id = response.json().asJsonObject().getString("id");

    AtomicBoolean sawFailedWhileRetrying = new AtomicBoolean();
    await()
        .atMost(Courier.patience())
        .until(
            () -> {
              JsonObject task = courier.task(id);
              if (task.getString("state").equals("FAILED")) {
                assertThat(task.getInt("attempts")).isBetween(1, 4);
                assertThat(task.getString("error")).isEqualTo("disk on fire");
                sawFailedWhileRetrying.set(true);
              }
              return task.getString("state").equals("DEAD");
            });
    assertThat(sawFailedWhileRetrying).as("FAILED was visible between attempts").isTrue();
    JsonObject dead = courier.task(id);
    assertThat(dead.getInt("attempts")).isEqualTo(5);
    assertThat(dead.getString("error")).isEqualTo("disk on fire");
    assertThat(dead.getString("finishedAt")).isNotBlank();
    List<JsonObject> failures = dead.getJsonArray("failures").getValuesAs(JsonObject.class);
    assertThat(failures).extracting(f -> f.getInt("attempt")).containsExactly(1, 2, 3, 4, 5);
    assertThat(failures)
        .extracting(f -> f.getString("outcome"))
        .containsExactly("FAILED", "FAILED", "FAILED", "FAILED", "DEAD");
    assertThat(failures)
        .allSatisfy(
            f -> {
              assertThat(f.getString("error")).isEqualTo("disk on fire");
              assertThat(Instant.parse(f.getString("failedAt")))
                  .isAfterOrEqualTo(Instant.parse(f.getString("startedAt")));
            });

    await()
        .atMost(Courier.patience())
        .until(() -> Courier.deadLetters("courier_task_id = '" + id + "'").size() == 1);
  }

  @Test
  void malformedJsonIsABadRequest() {
    var problem = courier.submit("{\"type\":").problem();
    assertThat(problem.getInt("status")).isEqualTo(400);
    assertThat(problem.getString("detail")).contains("not valid JSON");
  }

  @Test
  void anUnknownTaskTypeIsABadRequestThatNamesTheType() {
    var problem = courier.submit("{\"type\":\"no.such.type\"}").problem();
    assertThat(problem.getInt("status")).isEqualTo(400);
    assertThat(problem.getString("title")).isEqualTo("Unknown task type");
    assertThat(problem.getString("detail")).contains("no.such.type");
  }

  @Test
  void anInvalidFieldIsABadRequestThatNamesTheField() {
    var problem = courier.submit("{\"type\":\"echo\",\"priority\":12}").problem();
    assertThat(problem.getInt("status")).isEqualTo(400);
    assertThat(problem.getString("detail")).contains("'priority' must be between 0 and 9");
  }

  @Test
  void aPayloadOverTheLimitIsRefusedWith413() {
    String big = "x".repeat(maxPayloadBytes() + 1);
    var response = courier.submit("{\"type\":\"echo\",\"payload\":{\"blob\":\"" + big + "\"}}");
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.problem().getString("detail")).contains("limit");
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedWith415() {
    var response = courier.post("tasks", "text/plain", "{\"type\":\"echo\"}");
    assertThat(response.status()).isEqualTo(415);
    assertThat(response.problem().getString("detail")).contains("application/json");
  }

  @Test
  void anUnknownTaskIdIsNotFound() {
    var response = courier.get("tasks/" + UUID.randomUUID());
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.problem().getString("detail")).contains("no task");
  }

  @Test
  void aJmsMessageThatCannotCarryTextIsDeadLetteredWithTheReason() {
    String id =
        Courier.sendToTasks(
            jms -> {
              MapMessage map = jms.createMapMessage();
              map.setString("type", "echo");
              map.setStringProperty("origin", "legacy-system");
              return map;
            });

    Message dead = deadLetterOf(id);
    assertThat(reasonOf(dead)).contains("a MapMessage cannot carry a task");
    assertThat(property(dead, "origin")).isEqualTo("legacy-system");
    assertThat(dead).isInstanceOf(MapMessage.class);
  }

  @Test
  void aBytesMessageWithJsonBecomesATaskAndOneThatIsNotUtf8IsDeadLettered() {
    String key = aKey();
    Courier.sendToTasks(
        jms -> {
          BytesMessage bytes = jms.createBytesMessage();
          bytes.writeBytes(
              ("{\"type\":\"echo\",\"key\":\"" + key + "\",\"payload\":{\"caf\u00e9\":1}}")
                  .getBytes(StandardCharsets.UTF_8));
          return bytes;
        });
    await()
        .atMost(Courier.patience())
        .until(
            () ->
                courier.tasksWithKey(key).stream()
                    .anyMatch(task -> task.getString("state").equals("SUCCEEDED")));
    assertThat(courier.tasksWithKey(key).get(0).getJsonObject("result").getInt("caf\u00e9"))
        .isEqualTo(1);

    String id =
        Courier.sendToTasks(
            jms -> {
              BytesMessage bytes = jms.createBytesMessage();
              bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
              bytes.setStringProperty("origin", "legacy-system");
              return bytes;
            });
    Message dead = deadLetterOf(id);
    assertThat(reasonOf(dead)).contains("not UTF-8 text");
    assertThat(property(dead, "origin")).isEqualTo("legacy-system");
    assertThat(dead).isInstanceOf(BytesMessage.class);
  }

  @Test
  void aJmsMessageThatIsNotJsonIsDeadLetteredWithTheReason() {
    String id = Courier.sendText("this is not json");
    assertThat(reasonOf(deadLetterOf(id))).contains("not valid JSON");
  }

  @Test
  void aJmsMessageWithAnUnknownTypeIsDeadLetteredAndTheConsumerKeepsRunning() {
    String id = Courier.sendText("{\"type\":\"no.such.type\"}");
    assertThat(reasonOf(deadLetterOf(id))).contains("no.such.type");

    String key = aKey();
    Courier.sendText("{\"type\":\"echo\",\"key\":\"" + key + "\"}");
    await()
        .atMost(Courier.patience())
        .until(
            () ->
                courier.tasksWithKey(key).stream()
                    .anyMatch(task -> task.getString("state").equals("SUCCEEDED")));
  }

  @Test
  void aJmsMessageOverThePayloadLimitIsDeadLetteredWithTheReason() {
    String big = "x".repeat(maxPayloadBytes() + 1);
    String id = Courier.sendText("{\"type\":\"echo\",\"payload\":{\"blob\":\"" + big + "\"}}");
    assertThat(reasonOf(deadLetterOf(id))).contains("the limit is " + maxPayloadBytes());
  }

  private static Message deadLetterOf(String messageId) {
    String selector = "courier_original_message_id = '" + messageId + "'";
    await().atMost(Courier.patience()).until(() -> Courier.deadLetters(selector).size() == 1);
    return Courier.deadLetters(selector).get(0);
  }

  private static String reasonOf(Message message) {
    return property(message, "courier_dead_reason");
  }

  private static String property(Message message, String name) {
    try {
      return message.getStringProperty(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int maxPayloadBytes() {
    return Integer.getInteger("courier.it.maxPayloadBytes", 1_048_576);
  }

  @Test
  void theApiIsDescribedAtOpenapiWithAnExampleForEachReadyMadeHandler() {
    var response = courier.getFromRoot("openapi?format=JSON");
    assertThat(response.status()).isEqualTo(200);
    JsonObject paths = response.json().asJsonObject().getJsonObject("paths");
    assertThat(paths.keySet())
        .contains(
            "/api/tasks",
            "/api/tasks/{id}",
            "/api/queues",
            "/api/queues/{name}/dead-letters/retry");
    JsonObject examples =
        paths
            .getJsonObject("/api/tasks")
            .getJsonObject("post")
            .getJsonObject("requestBody")
            .getJsonObject("content")
            .getJsonObject("application/json")
            .getJsonObject("examples");
    assertThat(examples.keySet())
        .contains("echo", "image.thumbnail", "email.campaign", "data.transform");
    // each example is a submission Courier accepts; delayed by an hour and cancelled, so that none
    // runs (later test classes share this broker journal)
    for (String name : examples.keySet()) {
      JsonValue example =
          Json.createReader(new StringReader(examples.getJsonObject(name).getString("value")))
              .readValue();
      var batch = Json.createArrayBuilder();
      for (JsonValue one : example instanceof JsonArray all ? all : List.of(example)) {
        batch.add(Json.createObjectBuilder(one.asJsonObject()).add("delaySeconds", 3600));
      }
      var submitted = courier.submit(batch.build().toString());
      assertThat(submitted.status()).as(name + ": " + submitted.body()).isEqualTo(201);
      for (JsonValue task : submitted.json().asJsonObject().getJsonArray("tasks")) {
        String id = task.asJsonObject().getString("id");
        assertThat(courier.delete("tasks/" + id).status()).isEqualTo(200);
      }
    }
  }
}

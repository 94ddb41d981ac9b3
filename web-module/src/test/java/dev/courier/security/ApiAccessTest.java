package dev.courier.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.broker.control.Accounts.Account;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiAccessTest {

  private static final Account ADMIN = new Account("ada", new byte[0], Set.of("admin"));
  private static final Account SUBMITTER = new Account("sam", new byte[0], Set.of("submitter"));
  private static final Account SUBSCRIBER = new Account("sue", new byte[0], Set.of("subscriber"));

  @Test
  void anAdminMayCallEverything() {
    assertThat(ApiAccess.permitted(ADMIN, "POST", "queues/default/pause")).isTrue();
    assertThat(ApiAccess.permitted(ADMIN, "DELETE", "schedules/nightly")).isTrue();
  }

  @Test
  void aSubmitterMaySubmitReadTasksAndPublishOnly() {
    assertThat(ApiAccess.permitted(SUBMITTER, "POST", "tasks")).isTrue();
    assertThat(ApiAccess.permitted(SUBMITTER, "GET", "tasks")).isTrue();
    assertThat(ApiAccess.permitted(SUBMITTER, "GET", "tasks/4f1d6f51")).isTrue();
    assertThat(ApiAccess.permitted(SUBMITTER, "POST", "topics/notifications/messages")).isTrue();

    assertThat(ApiAccess.permitted(SUBMITTER, "GET", "tasks/stats")).isFalse();
    assertThat(ApiAccess.permitted(SUBMITTER, "GET", "tasks/summary")).isFalse();
    assertThat(ApiAccess.permitted(SUBMITTER, "DELETE", "tasks/4f1d6f51")).isFalse();
    assertThat(ApiAccess.permitted(SUBMITTER, "POST", "tasks/4f1d6f51/cancel")).isFalse();
    assertThat(ApiAccess.permitted(SUBMITTER, "GET", "queues")).isFalse();
    assertThat(ApiAccess.permitted(SUBMITTER, "GET", "topics")).isFalse();
    assertThat(ApiAccess.permitted(SUBMITTER, "POST", "topics/x/subscriptions/y/pause")).isFalse();
  }

  @Test
  void aSubscriberHasNothingInTheApi() {
    assertThat(ApiAccess.permitted(SUBSCRIBER, "GET", "tasks")).isFalse();
    assertThat(ApiAccess.permitted(SUBSCRIBER, "POST", "topics/notifications/messages")).isFalse();
  }
}

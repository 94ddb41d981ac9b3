package dev.courier.workflow.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class WorkflowRequestTest {

  private static final Predicate<String> KNOWN = Set.of("echo", "noop", "email.send")::contains;

  private static WorkflowRequest parse(String json) {
    return WorkflowRequest.parse(json.replace('\'', '"'), KNOWN);
  }

  private static InvalidWorkflow refusal(String json) {
    try {
      parse(json);
    } catch (InvalidWorkflow e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void aChainOfAGroupOfChainsNestsThreeLevelsDeep() {
    WorkflowRequest request =
        parse(
            "{'key': 'order-17', 'workflow': {'chain': ["
                + "{'type': 'echo', 'payload': {'n': 1}},"
                + "{'group': [{'chain': [{'type': 'noop'}, {'type': 'echo', 'receivesResult': false}]},"
                + "           {'type': 'noop', 'onFailure': 'ignore'}],"
                + " 'callback': {'type': 'echo'}}]}}");

    assertThat(request.key()).isEqualTo("order-17");
    assertThat(request.taskCount()).isEqualTo(5);
    var chain = (Step.Chain) request.root();
    assertThat(chain.path()).isEqualTo("$");
    assertThat(((Step.Task) chain.steps().get(0)).request().payload().getInt("n")).isEqualTo(1);
    var chord = (Step.Group) chain.steps().get(1);
    assertThat(chord.isChord()).isTrue();
    assertThat(chord.path()).isEqualTo("$.chain[1]");
    assertThat(chord.callback().path()).isEqualTo("$.chain[1].callback");
    var inner = (Step.Chain) chord.members().get(0);
    var immutable = (Step.Task) inner.steps().get(1);
    assertThat(immutable.path()).isEqualTo("$.chain[1].group[0].chain[1]");
    assertThat(immutable.receivesResult()).isFalse();
    assertThat(((Step.Task) inner.steps().get(0)).receivesResult()).isTrue();
    assertThat(chord.members().get(1).onFailure()).isEqualTo(OnFailure.IGNORE);
    assertThat(chord.onFailure()).isEqualTo(OnFailure.FAIL);
  }

  @Test
  void anEmptyGroupIsRefusedByItsPath() {
    InvalidWorkflow refused = refusal("{'workflow': {'chain': [{'type': 'noop'}, {'group': []}]}}");

    assertThat(refused.step()).isEqualTo("$.chain[1].group");
    assertThat(refused.getMessage()).contains("empty");
    assertThat(refused.title()).isEqualTo("Invalid workflow");
  }

  @Test
  void anUnknownTaskTypeIsRefusedByItsStep() {
    InvalidWorkflow refused =
        refusal("{'workflow': {'group': [{'type': 'noop'}, {'type': 'nosuch.type'}]}}");

    assertThat(refused.step()).isEqualTo("$.group[1]");
    assertThat(refused.getMessage()).contains("'nosuch.type'");
  }

  @Test
  void aTaskStepIsCheckedAsATaskRequestIs() {
    InvalidWorkflow refused =
        refusal("{'workflow': {'chain': [{'type': 'echo', 'priority': 99}]}}");

    assertThat(refused.step()).isEqualTo("$.chain[0]");
    assertThat(refused.getMessage()).contains("priority");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    String deep = "{'type': 'noop'}";
    for (int level = 0; level < WorkflowRequest.MAX_DEPTH + 1; level++) {
      deep = "{'chain': [" + deep + "]}";
    }
    InvalidWorkflow refused = refusal("{'workflow': " + deep + "}");

    assertThat(refused.getMessage()).contains("at most " + WorkflowRequest.MAX_DEPTH + " levels");
    assertThat(refused.step()).startsWith("$.chain[0]");
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    String deep = "{'type': 'noop'}";
    for (int level = 0; level < WorkflowRequest.MAX_DEPTH; level++) {
      deep = "{'chain': [" + deep + "]}";
    }
    assertThat(parse("{'workflow': " + deep + "}").taskCount()).isEqualTo(1);
  }

  @Test
  void moreTasksThanTheLimitAreRefusedAtTheFirstOneTooMany() {
    StringBuilder members = new StringBuilder();
    for (int i = 0; i <= WorkflowRequest.MAX_TASKS; i++) {
      members.append(i == 0 ? "" : ",").append("{'type': 'noop'}");
    }
    InvalidWorkflow refused = refusal("{'workflow': {'group': [" + members + "]}}");

    assertThat(refused.step()).isEqualTo("$.group[" + WorkflowRequest.MAX_TASKS + "]");
  }

  @Test
  void aStepIsExactlyOneOfTaskChainAndGroup() {
    assertThat(refusal("{'workflow': {'chain': [], 'group': []}}").step()).isEqualTo("$");
    assertThat(refusal("{'workflow': {'chain': [{}]}}").step()).isEqualTo("$.chain[0]");
    assertThat(refusal("{'workflow': {'group': {'type': 'noop'}}}").step()).isEqualTo("$.group");
  }

  @Test
  void unknownFieldsAndPoliciesAreRefused() {
    assertThat(refusal("{'workflow': {'type': 'noop'}, 'tasks': []}").step()).isNull();
    assertThat(refusal("{'workflow': {'chain': [{'type': 'noop'}], 'callback': {}}}").step())
        .isEqualTo("$");
    assertThat(refusal("{'workflow': {'type': 'noop', 'onFailure': 'retry'}}").getMessage())
        .contains("onFailure");
    assertThat(refusal("{'workflow': {'type': 'noop', 'receivesResult': 'no'}}").step())
        .isEqualTo("$");
  }

  @Test
  void aBodyThatIsNotAWorkflowIsRefusedAsAWhole() {
    assertThat(refusal("").step()).isNull();
    assertThat(refusal("[1]").getMessage()).contains("ARRAY");
    assertThat(refusal("{'key': 'k'}").getMessage()).contains("'workflow' is missing");
    assertThat(refusal("{'key': 'a b', 'workflow': {'type': 'noop'}}").getMessage())
        .contains("'key'");
    assertThat(refusal("{").getMessage()).contains("not valid JSON");
  }
}

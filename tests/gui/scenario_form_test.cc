// The scenario as a form: fields by reflection, edits checked against their types, the
// validator's diagnostics at their fields, and the text rewritten from a form edit.
#include "gui/scenario_form.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSignalSpy>

#include "gui/scenario_panel.h"
#include "tests/gui/gui_test_support.h"
#include "tests/support/builtin_runs.h"

namespace faultline::gui {
namespace {

using ::testing::HasSubstr;

class ScenarioFormTest : public testing::GuiTest {
 protected:
  scenario::Scenario regionOutage() { return faultline::testing::builtInScenario("region-outage"); }
};

TEST_F(ScenarioFormTest, EveryFieldTheScenarioSetsIsThereByItsPath) {
  ScenarioForm form;
  form.showScenario(regionOutage());
  ASSERT_NE(form.itemAt("regions[0]"), nullptr);
  EXPECT_EQ(form.itemAt("regions[0]")->text(1), "us-east");  // named by its name
  ASSERT_NE(form.itemAt("regions[0].backends[0].workers"), nullptr);
  EXPECT_EQ(form.itemAt("regions[0].backends[0].workers")->text(1), "8");
  EXPECT_EQ(form.itemAt("regions[2].zones[1]")->text(1), "b");
  EXPECT_NE(form.itemAt("faults[0].start_s"), nullptr);
  EXPECT_EQ(form.itemAt("regions[9]"), nullptr);
}

TEST_F(ScenarioFormTest, AnEditIsCheckedAgainstTheFieldsType) {
  ScenarioForm form;
  form.showScenario(regionOutage());
  QSignalSpy edited(&form, &ScenarioForm::edited);
  EXPECT_FALSE(form.edit("regions[0].backends[0].workers", QStringLiteral("12")).has_value());
  ASSERT_EQ(edited.count(), 1);
  EXPECT_EQ(form.itemAt("regions[0].backends[0].workers")->text(1), "12");
  const auto refused = form.edit("regions[0].backends[0].workers", QStringLiteral("twelve"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_THAT(refused->toStdString(), HasSubstr("workers: not a uint32: \"twelve\""));
  EXPECT_EQ(form.itemAt("regions[0].backends[0].workers")->text(1), "12");  // kept
  EXPECT_TRUE(form.edit("duration_s", QStringLiteral("nan")).has_value());
  EXPECT_TRUE(form.edit("regions[0]", QStringLiteral("x")).has_value());  // a group of fields
  EXPECT_TRUE(form.edit("no.such.field", QStringLiteral("1")).has_value());
  EXPECT_EQ(edited.count(), 1);
}

TEST_F(ScenarioFormTest, ListElementsAreDuplicatedAndRemovedInPlace) {
  ScenarioForm form;
  form.showScenario(regionOutage());
  scenario::Scenario changed;
  QObject::connect(&form, &ScenarioForm::edited,
                   [&](const scenario::Scenario& scenario) { changed = scenario; });
  ASSERT_FALSE(form.duplicate("regions[1]").has_value());
  ASSERT_EQ(changed.regions_size(), 4);
  EXPECT_EQ(changed.regions(1).name(), "us-west");
  EXPECT_EQ(changed.regions(2).name(), "us-west");  // right after its original
  EXPECT_EQ(changed.regions(3).name(), "eu-west");
  ASSERT_FALSE(form.remove("regions[1]").has_value());
  ASSERT_FALSE(form.duplicate("regions[0].zones[1]").has_value());
  ASSERT_EQ(changed.regions_size(), 3);
  EXPECT_EQ(changed.regions(2).name(), "eu-west");
  EXPECT_THAT(changed.regions(0).zones(), ::testing::ElementsAre("a", "b", "b", "c"));
  ASSERT_FALSE(form.remove("faults[0]").has_value());
  EXPECT_EQ(changed.faults_size(), 0);
  EXPECT_TRUE(form.duplicate("duration_s").has_value());  // not a list element
  EXPECT_TRUE(form.remove("regions[7]").has_value());
}

TEST_F(ScenarioFormTest, FieldsAreAddedAtTheirDefaults) {
  ScenarioForm form;
  form.showScenario(regionOutage());
  const auto fields = form.addableFields("");
  EXPECT_THAT(fields, ::testing::Contains("faults"));                      // a list: always another
  EXPECT_THAT(fields, ::testing::Not(::testing::Contains("duration_s")));  // no presence
  scenario::Scenario changed;
  QObject::connect(&form, &ScenarioForm::edited,
                   [&](const scenario::Scenario& scenario) { changed = scenario; });
  ASSERT_FALSE(form.addField("", "faults").has_value());
  EXPECT_EQ(changed.faults_size(), 2);
  EXPECT_NE(form.itemAt("faults[1]"), nullptr);
  EXPECT_TRUE(form.addField("", "duration_s").has_value());
  EXPECT_TRUE(form.addField("", "no_such_field").has_value());
  EXPECT_TRUE(form.addField("regions[0].zones[0]", "x").has_value());  // not a group
  // A fault has one kind: the other kinds are not offered while it has one.
  EXPECT_THAT(form.addableFields("faults[0]"), ::testing::Not(::testing::Contains("latency")));
  EXPECT_TRUE(form.addField("faults[0]", "latency").has_value());
  EXPECT_THAT(form.addableFields("faults[1]"), ::testing::Contains("latency"));  // the new one
}

TEST_F(ScenarioFormTest, ANewElementIsCompletedInTheFormAndStaysInSight) {
  ScenarioForm form;
  form.showScenario(regionOutage());
  scenario::Scenario changed;
  int edits = 0;
  QObject::connect(&form, &ScenarioForm::edited, [&](const scenario::Scenario& scenario) {
    changed = scenario;
    ++edits;
  });
  ASSERT_FALSE(form.addField("", "faults").has_value());
  ASSERT_NE(form.currentItem(), nullptr);
  EXPECT_EQ(form.currentItem()->text(0), "faults[1]");  // selected, its parents open
  // Plain values at zero are offered: a row to fill in, real once edited.
  EXPECT_THAT(form.addableFields("faults[1]"), ::testing::IsSupersetOf({"name", "start_s"}));
  ASSERT_FALSE(form.addField("faults[1]", "start_s").has_value());
  EXPECT_EQ(edits, 1);
  ASSERT_NE(form.itemAt("faults[1].start_s"), nullptr);
  EXPECT_EQ(form.itemAt("faults[1].start_s")->text(1), "0");
  ASSERT_FALSE(form.edit("faults[1].start_s", QStringLiteral("30")).has_value());
  EXPECT_EQ(changed.faults(1).start_s(), 30);
  // What has no unset state is not removed (it could not come back from the menu).
  EXPECT_TRUE(form.remove("duration_s").has_value());
  EXPECT_TRUE(form.remove("regions[0].name").has_value());
}

TEST_F(ScenarioFormTest, DuplicatingAValueCopiesItExactly) {
  auto scenario = regionOutage();
  scenario.mutable_regions(0)->set_zones(0, " a");
  ScenarioForm form;
  form.showScenario(scenario);
  scenario::Scenario changed;
  QObject::connect(&form, &ScenarioForm::edited,
                   [&](const scenario::Scenario& edited) { changed = edited; });
  ASSERT_FALSE(form.duplicate("regions[0].zones[0]").has_value());
  EXPECT_EQ(changed.regions(0).zones(1), " a");
  EXPECT_EQ(form.currentItem(), form.itemAt("regions[0].zones[1]"));  // the copy, in sight
}

TEST_F(ScenarioFormTest, EnumsTakeTheirNames) {
  auto scenario = regionOutage();
  scenario.mutable_balancer()->mutable_zone_routing()->set_mode(scenario::ZoneRouting::ZONE_AWARE);
  ScenarioForm form;
  form.showScenario(scenario);
  ASSERT_NE(form.itemAt("balancer.zone_routing.mode"), nullptr);
  EXPECT_EQ(form.itemAt("balancer.zone_routing.mode")->text(1), "ZONE_AWARE");
  EXPECT_TRUE(form.edit("balancer.zone_routing.mode", QStringLiteral("SIDEWAYS")).has_value());
}

TEST_F(ScenarioFormTest, AFormEditRewritesTheTextAndTheValidatorMarksTheField) {
  ScenarioPanel panel;
  ASSERT_FALSE(panel.open(QStringLiteral("region-outage")).has_value());
  ASSERT_TRUE(panel.refreshForm());
  ASSERT_FALSE(panel.form().edit("regions[1].backends[0].workers", QStringLiteral("0")));
  EXPECT_THAT(panel.text().toStdString(), HasSubstr("workers: 0"));
  ASSERT_EQ(panel.diagnosticCount(), 1);
  EXPECT_THAT(panel.diagnosticText(0).toStdString(),
              HasSubstr("regions[1].backends[0].workers: must be >= 1 (got 0)"));
  const auto* marked = panel.form().itemAt("regions[1].backends[0].workers");
  ASSERT_NE(marked, nullptr);
  EXPECT_THAT(marked->toolTip(1).toStdString(), HasSubstr("must be >= 1"));
  EXPECT_FALSE(panel.load().has_value());
}

TEST_F(ScenarioFormTest, MarkingTheFormIsNotAnEdit) {
  // Colouring items emits itemChanged; taken for edits, it once rewrote the text (losing its
  // comments) over and over.
  ScenarioPanel panel;
  ASSERT_FALSE(panel.open(QStringLiteral("region-outage")).has_value());
  const QString text = panel.text();
  ASSERT_TRUE(panel.refreshForm());
  QSignalSpy edited(&panel.form(), &ScenarioForm::edited);
  panel.showDiagnostics({{"region-outage:3:1", "regions[0].backends[0].workers", "a mark"}});
  for (int i = 0; i < 5; ++i)
    QCoreApplication::processEvents();
  EXPECT_EQ(edited.count(), 0);
  EXPECT_EQ(panel.text(), text);
  EXPECT_EQ(panel.diagnosticCount(), 1);
  EXPECT_EQ(panel.form().itemAt("regions[0].backends[0].workers")->toolTip(1), "a mark");
}

}  // namespace
}  // namespace faultline::gui

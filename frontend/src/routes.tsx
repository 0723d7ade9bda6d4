import { lazy } from "react";
import { createBrowserRouter } from "react-router";

import { Layout } from "./components/Layout";
import { PageError } from "./components/PageError";
import { RequireSignIn } from "./components/RequireSignIn";
import { CrisisPage } from "./pages/Crisis";
import { FinderPage } from "./pages/Finder";

// The finder and the crisis page are in the first download; the rest load when visited.
const GroupPage = lazy(() => import("./pages/Group"));
const InvitePage = lazy(() => import("./pages/Invite"));
const ReferralPage = lazy(() => import("./pages/Referral"));
const MeetingPage = lazy(() => import("./pages/Meeting"));
const CheckInPage = lazy(() => import("./pages/CheckIn"));
const MyMeetingsPage = lazy(() => import("./pages/MyMeetings"));
const LibraryPage = lazy(() => import("./pages/Library"));
const ResourcePage = lazy(() => import("./pages/Resource"));
const BookmarksPage = lazy(() => import("./pages/Bookmarks"));
const ShareStoryPage = lazy(() => import("./pages/ShareStory"));
const MyStoriesPage = lazy(() => import("./pages/MyStories"));
const SignInPage = lazy(() => import("./pages/SignIn"));
const SignUpPage = lazy(() => import("./pages/SignUp"));
const ConfirmEmailPage = lazy(() => import("./pages/ConfirmEmail"));
const ForgotPasswordPage = lazy(() => import("./pages/ForgotPassword"));
const ResetPasswordPage = lazy(() => import("./pages/ResetPassword"));
const AccountPage = lazy(() => import("./pages/Account"));
const MyReportsPage = lazy(() => import("./pages/MyReports"));
const MyBlocksPage = lazy(() => import("./pages/MyBlocks"));
const ReportsQueuePage = lazy(() => import("./pages/staff/ReportsQueue"));
const ReportCasePage = lazy(() => import("./pages/staff/ReportCase"));
const RunMeetingPage = lazy(() => import("./pages/staff/RunMeeting"));
const ManageMembersPage = lazy(() => import("./pages/staff/ManageMembers"));
const CircleMeetingsPage = lazy(() => import("./pages/staff/CircleMeetings"));
const AttendanceReportPage = lazy(() => import("./pages/staff/AttendanceReport"));
const StoryReviewsPage = lazy(() => import("./pages/staff/StoryReviews"));
const PeoplePage = lazy(() => import("./pages/staff/People"));
const StaffHomePage = lazy(() => import("./pages/staff/StaffHome"));
const IntegrationsPage = lazy(() => import("./pages/staff/Integrations"));
const MentoringAdminPage = lazy(() => import("./pages/staff/MentoringAdmin"));
const AuditTrailPage = lazy(() => import("./pages/staff/AuditTrail"));
const MyCirclesPage = lazy(() => import("./pages/staff/MyCircles"));
const StartCirclePage = lazy(() => import("./pages/staff/StartCircle"));
const EditCirclePage = lazy(() => import("./pages/staff/EditCircle"));
const LibraryAdminPage = lazy(() => import("./pages/staff/LibraryAdmin"));
const ResourceEditorPage = lazy(() => import("./pages/staff/ResourceEditor"));
const MentoringPage = lazy(() => import("./pages/mentoring/Overview"));
const OfferToMentorPage = lazy(() => import("./pages/mentoring/OfferToMentor"));
const AskForMentorPage = lazy(() => import("./pages/mentoring/AskForMentor"));
const MyMatchesPage = lazy(() => import("./pages/mentoring/MyMatches"));
const NotificationsPage = lazy(() => import("./pages/Notifications"));
const UnsubscribePage = lazy(() => import("./pages/Unsubscribe"));
const NotFoundPage = lazy(() => import("./pages/NotFound"));

function signedIn(page: React.ReactNode) {
  return <RequireSignIn>{page}</RequireSignIn>;
}

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      {
        // Errors show inside the frame: the crisis link and Quick exit never go away.
        errorElement: <PageError />,
        children: [
          { index: true, element: <FinderPage /> },
          { path: "crisis", element: <CrisisPage /> },
          { path: "groups/:key", element: <GroupPage /> },
          { path: "invite/:token", element: <InvitePage /> },
          { path: "referral/:token", element: <ReferralPage /> },
          { path: "groups/:groupId/edit", element: signedIn(<EditCirclePage />) },
          { path: "groups/:groupId/members", element: signedIn(<ManageMembersPage />) },
          { path: "groups/:groupId/meetings", element: signedIn(<CircleMeetingsPage />) },
          { path: "groups/:groupId/attendance", element: signedIn(<AttendanceReportPage />) },
          { path: "meetings/:sessionId", element: <MeetingPage /> },
          { path: "meetings/:sessionId/check-in", element: signedIn(<CheckInPage />) },
          { path: "meetings/:sessionId/run", element: signedIn(<RunMeetingPage />) },
          { path: "my-meetings", element: signedIn(<MyMeetingsPage />) },
          { path: "library", element: <LibraryPage /> },
          { path: "library/saved", element: signedIn(<BookmarksPage />) },
          { path: "library/:resourceId", element: <ResourcePage /> },
          { path: "stories/new", element: signedIn(<ShareStoryPage />) },
          { path: "stories/mine", element: signedIn(<MyStoriesPage />) },
          { path: "stories/:storyId/edit", element: signedIn(<ShareStoryPage />) },
          { path: "sign-in", element: <SignInPage /> },
          { path: "sign-up", element: <SignUpPage /> },
          { path: "confirm-email", element: <ConfirmEmailPage /> },
          { path: "forgot-password", element: <ForgotPasswordPage /> },
          { path: "reset-password", element: <ResetPasswordPage /> },
          { path: "account", element: signedIn(<AccountPage />) },
          { path: "notifications", element: signedIn(<NotificationsPage />) },
          { path: "unsubscribe/:token", element: <UnsubscribePage /> },
          { path: "account/reports", element: signedIn(<MyReportsPage />) },
          { path: "account/blocks", element: signedIn(<MyBlocksPage />) },
          { path: "staff", element: signedIn(<StaffHomePage />) },
          { path: "mentoring", element: signedIn(<MentoringPage />) },
          { path: "mentoring/offer", element: signedIn(<OfferToMentorPage />) },
          { path: "mentoring/ask", element: signedIn(<AskForMentorPage />) },
          { path: "mentoring/matches", element: signedIn(<MyMatchesPage />) },
          { path: "staff/circles", element: signedIn(<MyCirclesPage />) },
          { path: "circles/new", element: signedIn(<StartCirclePage />) },
          { path: "staff/reports", element: signedIn(<ReportsQueuePage />) },
          { path: "staff/stories", element: signedIn(<StoryReviewsPage />) },
          { path: "staff/people", element: signedIn(<PeoplePage />) },
          { path: "staff/integrations", element: signedIn(<IntegrationsPage />) },
          { path: "staff/mentoring", element: signedIn(<MentoringAdminPage />) },
          { path: "staff/audit", element: signedIn(<AuditTrailPage />) },
          { path: "staff/library", element: signedIn(<LibraryAdminPage />) },
          { path: "staff/library/new", element: signedIn(<ResourceEditorPage />) },
          { path: "staff/library/:resourceId/edit", element: signedIn(<ResourceEditorPage />) },
          { path: "staff/reports/:reportId", element: signedIn(<ReportCasePage />) },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

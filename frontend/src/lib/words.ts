/** Words the app shows for the API's codes. */

export const FORMAT_WORDS: Record<"online" | "in_person" | "hybrid", string> = {
  online: "Online",
  in_person: "In person",
  hybrid: "Online and in person",
};

/** The languages the finder offers; any other code still reads well through languageName. */
export const LANGUAGE_NAMES: Record<string, string> = {
  en: "English",
  es: "Spanish (Español)",
  fr: "French (Français)",
  pt: "Portuguese (Português)",
  zh: "Chinese (中文)",
  vi: "Vietnamese (Tiếng Việt)",
  ar: "Arabic (العربية)",
  ko: "Korean (한국어)",
  tl: "Tagalog",
  ru: "Russian (Русский)",
  de: "German (Deutsch)",
  ase: "American Sign Language",
};

let displayNames: Intl.DisplayNames | null = null;

export function languageName(code: string): string {
  const base = code.split("-")[0] ?? code;
  const listed = LANGUAGE_NAMES[code] ?? LANGUAGE_NAMES[base];
  if (listed) return listed;
  try {
    displayNames ??= new Intl.DisplayNames(["en"], { type: "language" });
    return displayNames.of(code) ?? code;
  } catch {
    return code;
  }
}

export const RESOURCE_TYPE_WORDS: Record<string, string> = {
  article: "Article",
  worksheet: "Worksheet",
  video: "Video",
  hotline: "Helpline",
  service: "Service",
  story: "Recovery story",
};

export const RSVP_WORDS: Record<string, string> = {
  going: "You're going",
  waitlisted: "On the waitlist",
  not_going: "Not going",
};

export const ATTENDANCE_WORDS: Record<string, string> = {
  present: "Attended",
  late: "Attended (arrived late)",
  excused: "Excused",
  absent: "Missed",
};

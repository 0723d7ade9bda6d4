"""Demo library: original psychoeducation articles, worksheets and videos, three fictional
Springfield services and the two US crisis lines of ``crisis-facts.md``, published by the demo
facilitator, plus three recovery stories (data only, for the stories seeder).

Crisis-line details are copied from /work/shared/crisis-facts.md (checked 2026-11-28), never
written from memory. Every other phone number is in the fictional 555-01xx range, and every
other website is on example.org.
"""

import textwrap
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.library import service, stories
from backend.library.models import Resource, ResourceStatus, Story
from backend.library.schemas import ResourceCreate, ResourceUpdate, StoryCreate, StoryReview

OKAFOR = "Dr. M. Okafor, clinical psychologist"
LINDQVIST = "Dr. J. Lindqvist, psychiatrist"
ALVAREZ = "R. Alvarez, LCSW, bilingual clinical social worker"
WHITFIELD = "A. Whitfield, LCSW, CADC, addiction counselor"
CRISIS_FACTS_CHECKED = "2026-11-28"


def _md(text: str) -> str:
    """Markdown written indented in this file, with the indentation taken off."""
    return textwrap.dedent(text).strip() + "\n"


def _review(
    reviewer: str, *, reviewed_on: str = "2026-09-15", due: str = "2027-09-15"
) -> dict[str, str]:
    return {"reviewer_name": reviewer, "reviewed_on": reviewed_on, "review_due_on": due}


# Two items were reviewed a year earlier and are now overdue, so the admin list has something.
OVERDUE = {"reviewed_on": "2025-10-01", "due": "2026-10-01"}


DEMO_RESOURCES: list[dict[str, Any]] = [
    # --- articles -----------------------------------------------------------------------------
    {
        "title": "Understanding anxiety: what it is and what it is not",
        "summary": "A plain-language look at anxiety: why it happens, how it can show up in "
        "body and mind, and when it may help to talk with a professional.",
        "type": "article",
        "topics": ["anxiety", "general-wellbeing"],
        "audience": "Adults",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Understanding anxiety

        Anxiety is the body's alarm system. When we sense a threat, the body gets ready to act:
        the heart beats faster, breathing quickens, muscles tighten and the mind scans for
        danger. In the right amount, this keeps us safe and helps us prepare for things that
        matter.

        For many people, though, the alarm goes off too often, too loudly, or when there is no
        danger in front of them. When worry or fear starts to shape daily life, for example by
        avoiding places, people or tasks, it may be an anxiety condition.

        ## What anxiety can feel like

        - A racing heart, a tight chest or shallow breathing
        - Restlessness, feeling on edge, trouble sleeping
        - Worry that is hard to switch off, often about "what if"
        - An upset stomach, headaches or tense muscles
        - Sudden waves of intense fear, sometimes called panic attacks

        ## What anxiety is not

        - **It is not weakness or a character flaw.** Anxiety conditions are common health
          conditions and can affect anyone.
        - **It is not "just stress".** Stress usually eases when the pressure passes; anxiety
          can stay after the pressure has gone.
        - **It is not something you have to face alone.**

        ## What can help

        Many people find that a mix of approaches helps: learning how anxiety works, practising
        skills such as slow breathing and grounding, gradually facing what they have been
        avoiding, and support from people who understand. Talking therapies, and sometimes
        medication discussed with a doctor, are options to explore with a professional. What
        helps differs from person to person, and it can take time to find your own mix.

        ## When to reach out

        If anxiety is getting in the way of work, study, relationships or sleep, consider
        talking to a doctor or counselor. A peer circle can be a place to share what you are
        going through, alongside professional care rather than instead of it.
        """),
    },
    {
        "title": "Depression: what it is and what it is not",
        "summary": "How depression differs from ordinary low days, the signs people often "
        "describe, common myths, and where to find support.",
        "type": "article",
        "topics": ["depression", "general-wellbeing"],
        "audience": "Adults",
        "content_notes": ["mentions suicide"],
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Depression: what it is and what it is not

        Everyone has low days. Depression is different: a low mood or a loss of interest that
        lasts for weeks, shows up most days and makes ordinary life hard. It is a common health
        condition, and it can affect anyone, at any age and in any walk of life.

        ## Signs people often describe

        - Feeling sad, empty or numb much of the time
        - Losing interest in things that used to matter
        - Sleeping much more or much less than usual
        - Changes in appetite
        - Tiredness that rest does not fix
        - Finding it hard to concentrate or make decisions
        - Feeling worthless or guilty
        - Thoughts that life is not worth living

        Not everyone has all of these, and depression can look different from one person to
        the next. Some people mainly feel irritable, or physically unwell.

        ## What depression is not

        - **It is not laziness.** Depression drains energy and motivation; it is not a choice.
        - **It is not something you can simply "snap out of".**
        - **It is not a life sentence.** Many people find their way to feeling better, though
          the path and the pace are different for everyone.

        ## Options for support

        A doctor or mental health professional can help you understand what you are
        experiencing and talk through options such as talking therapies and medication. Small
        daily steps, like gentle activity, time outdoors, regular meals and contact with
        others, can support that care. Peer support groups offer understanding from people who
        have been there; they complement professional care and do not replace it.

        ## If you are thinking about suicide

        Thoughts of suicide can be part of depression, and you deserve support with them right
        away. If you are having these thoughts, or are worried you might not stay safe, please
        reach out now: see **Crisis help** at the top of every page for lines you can call or
        text at any time. If you are in immediate danger, call your local emergency number.
        """),
    },
    {
        "title": "Bipolar disorder: a plain-language introduction",
        "summary": "What bipolar disorder is, what highs and lows can look like, and how people "
        "manage it with their care team, routines and support.",
        "type": "article",
        "topics": ["bipolar"],
        "audience": "Adults",
        "governance": _review(LINDQVIST, **OVERDUE),
        "body_markdown": _md("""
        # Bipolar disorder: a plain-language introduction

        Bipolar disorder is a long-term health condition that affects mood, energy and activity.
        People living with bipolar disorder have periods of low mood (depression) and periods
        of high or irritable mood, called mania or, in a milder form, hypomania. Between these
        episodes, many people have long stretches of steady mood.

        ## What episodes can look like

        **During a low episode** a person may feel hopeless, exhausted and withdrawn, and find
        everyday tasks very hard.

        **During a high episode** a person may need much less sleep, feel full of energy or
        ideas, talk quickly, feel unusually confident, or take risks they normally would not.

        Everyone's pattern is different. Some people have few episodes in their life; others
        have them more often.

        ## What bipolar disorder is not

        - **It is not ordinary mood swings.** Everyone's mood changes during a day; bipolar
          episodes last longer and change how a person is able to function.
        - **It is not a personality trait or a character flaw.**
        - **It does not define a person.** People living with bipolar disorder work, study,
          raise families and contribute to their communities.

        ## Treatment and self-management

        Bipolar disorder is usually managed with a combination of approaches. Medication,
        discussed and reviewed with a doctor, is often part of care. Talking therapies and
        learning about the condition can help people understand their own patterns. Many
        people also find it useful to:

        - keep regular times for sleeping and waking
        - track mood, sleep and energy
        - learn their personal early warning signs
        - make a plan, with people they trust, for what to do if an episode begins

        If you take medication, talk with your prescriber before making any change, as stopping
        suddenly can cause problems.

        ## Peer support

        Talking with others who live with bipolar disorder can ease isolation and offer
        practical ideas. Our circles are peer support, not treatment, and work best alongside
        your care team.
        """),
    },
    {
        "title": "Grief: there is no right way to grieve",
        "summary": "Grief comes in waves, not stages. What grieving can feel like, small things "
        "that may help, and when to look for more support.",
        "type": "article",
        "topics": ["grief-and-loss"],
        "audience": "Anyone who is grieving",
        "content_notes": ["discusses death and bereavement", "mentions suicidal thoughts"],
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Grief: there is no right way to grieve

        Grief is the natural response to losing someone or something we love. We most often
        think of grief after a death, but people also grieve the end of a relationship, the
        loss of health, a home or a job, or the future they expected.

        ## Grief is not a straight line

        You may have heard that grief moves through neat stages. In reality, it tends to come
        in waves. A song, a smell or an ordinary Tuesday can bring it back with full force, even
        years later. Some days feel almost normal; others feel like the first day.

        Common experiences include:

        - sadness, longing, anger, guilt, relief or numbness, sometimes all in one day
        - trouble sleeping, eating or concentrating
        - a tiredness that rest does not fix
        - replaying the last days or conversations
        - feeling apart from people who seem to have "moved on"

        None of these mean you are grieving wrongly.

        ## Things that may help

        - **Let it be uneven.** There is no timetable for grief.
        - **Keep a few small routines.** Meals, a short walk, a regular bedtime.
        - **Say their name.** Many people find comfort in talking about the person they lost.
        - **Accept practical help.** Meals, errands and company are gifts, not burdens.
        - **Plan for the hard days.** Anniversaries and holidays can be prepared for, gently.

        ## When to look for more support

        For some people, grief stays very intense for a long time and makes daily life hard to
        manage. If that is your experience, a doctor or grief counselor can help. If grief
        brings thoughts of not wanting to live, please reach out right away: see **Crisis
        help** at the top of every page.

        ## Grieving together

        A grief circle is a place to remember, to be heard, and to sit with what cannot be
        fixed, alongside people who understand.
        """),
    },
    {
        "title": "Trauma and PTSD: how the mind and body respond",
        "summary": "Why trauma responses happen, what PTSD can involve, and the kinds of support "
        "and treatment people explore, at their own pace.",
        "type": "article",
        "topics": ["trauma-and-ptsd", "veterans"],
        "audience": "Adults",
        "content_notes": ["discusses trauma"],
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Trauma and PTSD: how the mind and body respond

        Trauma is the lasting effect of an event, or a series of events, that overwhelmed a
        person's ability to cope, often because it threatened their safety or someone else's.
        Many people live through frightening events. Some recover over time with the support
        around them; for others, the effects stay and can make daily life very hard.

        ## Post-traumatic stress disorder (PTSD)

        PTSD is a health condition that can develop after trauma. People living with PTSD may
        experience:

        - **Re-experiencing:** unwanted memories, nightmares, or feeling as if the event is
          happening again
        - **Avoidance:** staying away from reminders, places, people or conversations
        - **Feeling on guard:** being easily startled, irritable, or unable to sleep or focus
        - **Changes in mood and thinking:** feeling numb, detached, ashamed or unable to trust

        These responses are the mind and body trying to protect you. They made sense at the
        time of the danger; the trouble is that they can keep going after the danger has passed.

        ## What trauma is not

        - **It is not a sign of weakness.** Trauma responses are human responses.
        - **It is not something to "get over" on anyone else's timetable.**
        - **You do not have to tell your story to get support.** You decide what, when and how
          much to share.

        ## Support and treatment

        Trauma-focused talking therapies are widely used for PTSD, and some people also take
        medication discussed with a doctor. A trained professional can help you find an
        approach and a pace that suit you. Grounding skills, regular routines and trusted
        people can all help in between.

        ## In our circles

        Trauma circles focus on the present: coping, safety and connection. Nobody is asked to
        describe what happened. Facilitators are trained peers, not therapists, and can point
        you toward professional help. If you feel unsafe at any time, see **Crisis help** at
        the top of every page.
        """),
    },
    {
        "title": "Talking therapies and medication: an overview of treatment options",
        "summary": "The main kinds of professional help in general terms, so you can have an "
        "informed conversation with a doctor or therapist.",
        "type": "article",
        "topics": ["general-wellbeing", "anxiety", "depression"],
        "audience": "Adults",
        "governance": _review(LINDQVIST),
        "body_markdown": _md("""
        # Talking therapies and medication: an overview

        There are many kinds of help for mental health conditions. This overview describes the
        main options in general terms, so that you can have an informed conversation with a
        doctor or mental health professional. It is not advice about what is right for you.

        ## Talking therapies

        Talking therapies (also called psychotherapy or counseling) give you time with a
        trained professional to understand what you are going through and to build skills.
        Some common approaches:

        - **Cognitive behavioral therapy (CBT)** looks at the links between thoughts, feelings
          and actions, and practises new ways of responding.
        - **Interpersonal therapy** focuses on relationships and life changes.
        - **Trauma-focused therapies** help people work through traumatic memories safely.
        - **Family or couples therapy** involves the people closest to you.
        - **Counseling** offers a supportive space to talk things through.

        Therapy can be one to one or in a group, in person or online. It is fine to ask a
        therapist about their approach, and to look for someone you feel comfortable with.

        ## Medication

        For some conditions, medication can be an important part of care. Medication should
        always be discussed with a doctor, who can explain possible benefits and side effects
        and review with you how it is working. Talk with your prescriber before changing or
        stopping any medication, as stopping suddenly can cause unpleasant or harmful effects.

        ## Other support

        - **Peer support**, like our circles, offers understanding from people with lived
          experience. It is not treatment, but many people find it a valuable companion to it.
        - **Self-care**, such as sleep, movement, food and connection, supports any kind of care.
        - **Community services** can help with worries about housing, money or legal matters
          that add to stress.

        ## Where to start

        A family doctor is often a good first step. Our **Services** listings include local
        organisations that offer counseling. Finding the right fit can take more than one try,
        and that is normal.
        """),
    },
    {
        "title": "Self-care that is realistic, not perfect",
        "summary": "Self-care is usually small and plain: meeting basic needs with kindness. "
        "Ideas for hard days and low energy.",
        "type": "article",
        "topics": ["general-wellbeing"],
        "audience": "Everyone",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Self-care that is realistic, not perfect

        Self-care is often pictured as bubble baths and spa days. In real life, especially when
        you are struggling, it is usually smaller and plainer: drinking a glass of water,
        answering one email, going to bed at a reasonable hour. Self-care is about meeting your
        basic needs with kindness, not about doing everything right.

        ## Start with the basics

        - **Sleep:** aim for regular times to go to bed and to get up.
        - **Food:** regular meals, even simple ones, give your body steady fuel.
        - **Movement:** a short walk or a few stretches count.
        - **Connection:** a message to a friend, a phone call, a group meeting.
        - **Rest:** time that asks nothing of you.

        ## Make it small

        When energy is low, big goals can feel impossible. Try shrinking a task until it feels
        doable: "tidy the kitchen" becomes "wash three mugs". Small steps still count, and one
        often leads to the next.

        ## Notice what drains you and what restores you

        For a week, jot down what leaves you feeling a little better and what leaves you
        feeling worse. Patterns often appear. You may find that some habits you thought were
        restful, like scrolling late at night, leave you more tired.

        ## Be kind to yourself on hard days

        Some days, self-care is simply getting through. That is enough. Try talking to
        yourself the way you would talk to a friend who is having a hard time.

        ## Self-care is not a substitute for help

        Self-care supports your wellbeing, but it cannot replace professional care when you
        need it. If things are getting harder despite your efforts, consider talking with a
        doctor or counselor, and bring along what you have noticed about yourself.
        """),
    },
    {
        "title": "Managing stress day to day",
        "summary": "Recognise your own stress signals, sort what you can and cannot change, and "
        "build small moments of recovery into the week.",
        "type": "article",
        "topics": ["general-wellbeing", "youth"],
        "audience": "Everyone",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Managing stress day to day

        Stress is the response of body and mind to pressure. A little stress can help us
        focus, meet a deadline or rise to a challenge. When pressure stays high for a long
        time, though, stress can wear us down, affecting sleep, mood, concentration and health.

        ## Notice your stress signals

        Stress shows up differently for everyone. You might notice:

        - tense shoulders, headaches or a clenched jaw
        - irritability or a short temper
        - trouble sleeping or switching off
        - eating more or less than usual
        - putting things off, or feeling that everything is urgent

        Knowing your own early signs helps you act sooner.

        ## Sort what you can and cannot change

        Make a list of what is on your mind. Next to each item, note whether it is something
        you can act on, something you can influence a little, or something outside your
        control. Put your energy into the first group, and practise letting the last one be.

        ## Build in recovery time

        - Take short breaks during the day, even two minutes away from a screen.
        - Try slow breathing: breathe in gently through your nose, and out for a little longer
          than you breathed in.
        - Move your body in whatever way works for you.
        - Protect some time each week for something you enjoy.

        ## Lighten the load where you can

        Saying no, asking for help, and lowering the bar on tasks that do not need to be
        perfect are skills, not failures.

        ## Talk about it

        Sharing what is on your mind with someone you trust can make stress feel more
        manageable. If stress affects your daily life for weeks at a time, consider speaking
        with a doctor or counselor.
        """),
    },
    {
        "title": "Sleep and mental health",
        "summary": "How sleep and mood affect each other, habits that support rest, what to do "
        "when you cannot sleep, and when to talk to a doctor.",
        "type": "article",
        "topics": ["general-wellbeing", "depression", "anxiety"],
        "audience": "Adults",
        "governance": _review(LINDQVIST, **OVERDUE),
        "body_markdown": _md("""
        # Sleep and mental health

        Sleep and mental health are closely linked. A few rough nights can leave anyone feeling
        low, anxious or short-tempered, and conditions such as depression, anxiety, PTSD and
        bipolar disorder often affect sleep. Small, steady changes to sleep habits are
        something many people can try.

        ## Habits that support sleep

        - **Keep regular times.** Getting up at around the same time every day, weekends
          included, helps set your body clock.
        - **Wind down.** Give yourself a calm half hour before bed: dim lights, a warm drink
          without caffeine, reading, quiet music.
        - **Watch caffeine and alcohol.** Caffeine can affect sleep many hours later. Alcohol
          may help you fall asleep but tends to disturb sleep later in the night.
        - **Make the bedroom restful:** cool, dark and quiet, if you can.
        - **Get daylight.** Time outdoors in the morning helps your body know when it is day.
        - **Keep screens out of bed** where possible.

        ## If you cannot sleep

        Lying awake and frustrated can teach the brain that bed is a place for worry. If you
        have been awake for what feels like a long while, get up, go somewhere dim and do
        something calm until you feel sleepy, then go back to bed.

        ## Worry at bedtime

        If your mind races at night, try writing down what is on your mind earlier in the
        evening, with one next step for each worry. Then you can tell yourself: "It is on the
        list. I can deal with it tomorrow."

        ## Keep a sleep diary

        Our **Sleep diary** worksheet helps you spot patterns over two weeks, and it is useful
        to bring to an appointment.

        ## When to talk to a doctor

        Talk with a doctor if poor sleep lasts for weeks, if you snore loudly or seem to stop
        breathing in your sleep, or if you suddenly need much less sleep than usual and feel
        full of energy. Do not change prescribed medication without talking to your
        prescriber first.
        """),
    },
    {
        "title": "Supporting someone you love",
        "summary": "How to listen, offer practical help and encourage support when someone close "
        "to you is struggling, what to do if they talk about suicide, and how to look after "
        "yourself.",
        "type": "article",
        "topics": ["family-and-caregivers"],
        "audience": "Family and friends",
        "content_notes": ["mentions suicide"],
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Supporting someone you love

        When someone you care about is living with a mental health condition, it is natural to
        want to help, and natural to feel unsure how. You do not need to be an expert. Often
        the most helpful things are simple: being there, listening and staying connected.

        ## Listen more than you fix

        - Choose a quiet moment and ask an open question: "How have things been for you lately?"
        - Listen without rushing to solutions or comparisons.
        - Reflect back what you hear: "It sounds like this week has been exhausting."
        - Believe them. Their experience is real, even if you do not fully understand it.

        ## Offer practical help

        Ask what would help, and be specific: "Can I drive you to your appointment on
        Thursday?" Small, concrete offers are easier to accept than "let me know if you need
        anything".

        ## Encourage support, without pressure

        You can gently encourage them to talk with a doctor or counselor, and offer to help
        find one. Respect their choices wherever their safety is not at risk. Recovery is
        their journey; you are a companion on it.

        ## If they talk about suicide

        If someone tells you they are thinking about suicide, take it seriously. Stay calm,
        thank them for telling you, and listen. It is okay to ask directly whether they are
        thinking about suicide; crisis lines encourage this, and a calm question can open the
        door to support. Help them connect with a crisis line now: see **Crisis help** at the
        top of every page. If they are in immediate danger, call your local emergency number
        and stay with them if it is safe for you to do so.

        ## Look after yourself too

        Supporting someone can be tiring and lonely. You are allowed to have limits, to rest,
        and to ask for help for yourself. Our caregivers' circle is a place to talk with
        others who understand.
        """),
    },
    {
        "title": "What to expect at your first peer support group",
        "summary": "What usually happens before, during and after a first circle meeting, and "
        "what a peer group is and is not. You never have to speak.",
        "type": "article",
        "topics": ["general-wellbeing"],
        "audience": "New members",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # What to expect at your first peer support group

        Walking into a group for the first time, in person or online, can feel daunting. Many
        members say the first meeting was the hardest step. Here is what usually happens, so
        there are fewer surprises.

        ## Before the meeting

        - Check the time, place or link on the group page. Many circles ask you to RSVP so the
          facilitator knows who to expect.
        - Read the group's guidelines. They explain how the group works and what it asks of
          everyone.
        - If you have access needs, let the facilitator know ahead of time if you can.

        ## During the meeting

        A trained peer facilitator guides the meeting. Most circles follow a similar shape:

        1. **Welcome and guidelines.** The facilitator reminds everyone about confidentiality
           and the group's agreements.
        2. **Check-in.** Members say a few words about how they are doing. You can simply give
           your display name and say "I'm just listening today."
        3. **Sharing or a topic.** Members talk about their experiences, or the group explores
           a theme or practises a skill together.
        4. **Closing.** A short round of reflection, or one thing each person is taking away.

        ## You decide what you share

        You never have to speak, and you never have to tell your story. Listening is a full
        way of taking part.

        ## What a peer group is, and is not

        A peer group is a place to be heard by people who understand from their own
        experience. It is not therapy, facilitators are not clinicians, and the group is not a
        crisis service. If you need urgent help, see **Crisis help** at the top of every page.

        ## After the meeting

        It is common to feel tired, relieved or a little raw afterwards. Be gentle with
        yourself. It often takes a few meetings to know whether a group suits you; if it does
        not, another circle might.
        """),
    },
    {
        "title": "Substance use and recovery: understanding the basics",
        "summary": "When alcohol or drug use may be becoming a problem, the many pathways to "
        "recovery, stopping safely, and why a setback does not erase progress.",
        "type": "article",
        "topics": ["substance-use"],
        "audience": "Adults",
        "content_notes": ["discusses alcohol and drug use"],
        "governance": _review(WHITFIELD),
        "body_markdown": _md("""
        # Substance use and recovery: understanding the basics

        Many people use alcohol or other drugs at some point. For some, use becomes harder to
        control and starts to cause problems with health, relationships, work or money. When
        that happens, it may be a substance use disorder: a health condition, not a moral
        failing.

        ## Signs that use may be becoming a problem

        - Using more, or for longer, than intended
        - Wanting to cut down but finding it hard
        - Spending a lot of time getting, using or recovering
        - Strong cravings
        - Carrying on despite the problems it causes
        - Giving up activities that used to matter
        - Needing more for the same effect, or feeling unwell when stopping

        ## Recovery has many pathways

        There is no single right way to recover. People find their way by different routes, and
        many combine several:

        - medical care, including medication for some substance use disorders, discussed with
          a doctor
        - talking therapies and counseling
        - mutual-help and peer groups
        - harm reduction, which focuses on keeping people safer wherever they are right now
        - changes in routine, relationships and surroundings

        ## Stopping safely

        For some substances, stopping suddenly can be dangerous. Talk to a doctor before you
        stop, especially if you drink heavily every day or take sedatives. After a break from
        using, the body's tolerance drops, so using the amount you used before carries extra
        risk.

        ## Setbacks are part of many stories

        Lapses happen, and they do not erase progress. Many people find it helpful to treat a
        lapse as information: what led up to it, and what could help next time. Our
        **Relapse-prevention plan for substance use** worksheet can help you prepare.

        ## Words matter

        We say "a person in recovery" or "a person who uses drugs" rather than labels. Members
        are always welcome to describe themselves in their own words.
        """),
    },
    {
        "title": "Eating disorders: what they are and what they are not",
        "summary": "Eating disorders are serious health conditions that can affect anyone. "
        "Common myths, signs, how to get help and how to support someone. No numbers.",
        "type": "article",
        "topics": ["eating-disorders", "youth"],
        "audience": "Everyone",
        "content_notes": ["discusses eating and body image"],
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Eating disorders: what they are and what they are not

        Eating disorders are serious health conditions that affect how a person thinks and
        feels about food, eating, their body and themselves. They can affect people of any
        age, gender, body size, background or culture. People do recover, and support from
        caring people and from professionals can help along the way.

        ## What they can involve

        Eating disorders take different forms. They can involve restricting food, episodes of
        eating large amounts while feeling out of control, or trying to make up for eating.
        Many people experience a mix that changes over time. Common signs include:

        - preoccupation with food, eating, weight or body shape
        - strict rules or rituals around eating
        - avoiding eating with others
        - strong distress about the body
        - withdrawing from friends or activities

        ## What eating disorders are not

        - **They are not a choice, a diet or a phase.**
        - **They are not about vanity.** They are often bound up with feelings, control and
          ways of coping.
        - **You cannot tell by looking.** People of every body size can have an eating
          disorder, and everyone deserves care.

        ## Getting help

        Eating disorders affect both mind and body, so care usually involves a doctor as well
        as mental health professionals. Treatment can include talking therapies, support from
        a dietitian and medical check-ups. If you are worried about yourself, a doctor is a
        good first step. You do not need to be "sick enough" to ask for help.

        ## Supporting someone

        Focus on the person, not on food or appearance. Avoid comments about bodies, including
        compliments. Let them know you care and that you are there to listen.

        ## In our circles

        Our eating disorder recovery circle does not discuss numbers such as weights, sizes or
        calories, so that the space feels safer for everyone.
        """),
    },
    {
        "title": "LGBTQ+ mental health: finding affirming support",
        "summary": "The extra pressures many LGBTQ+ people face, what can help, how family and "
        "friends can show support, and where to turn when things feel overwhelming.",
        "type": "article",
        "topics": ["lgbtq", "youth", "general-wellbeing"],
        "audience": "LGBTQ+ people and those who support them",
        "content_notes": ["mentions suicide", "mentions discrimination"],
        "governance": _review(ALVAREZ),
        "body_markdown": _md("""
        # LGBTQ+ mental health: finding affirming support

        LGBTQ+ people live full, joyful and resilient lives. Many also face extra pressures:
        rejection from family or community, discrimination at work or school, harassment, or
        the strain of deciding when and where it is safe to be themselves. Over time, that
        ongoing strain can affect mental health. Being LGBTQ+ is not the problem; the hostility
        some people meet can be.

        ## Signs you may need more support

        - feeling constantly on guard, or exhausted from hiding parts of yourself
        - feeling low, anxious or isolated for weeks at a time
        - using alcohol or other drugs to cope
        - finding it hard to picture a future in which you are accepted

        ## What can help

        - **Affirming connections.** Time with people who accept you as you are, online or in
          person, can be a real source of strength.
        - **Your own pace.** You decide if, when and how to come out. There is no right
          timetable.
        - **Affirming care.** It is okay to ask a doctor or therapist about their experience
          of working with LGBTQ+ people, and to look for someone else if you do not feel
          respected.
        - **Names and pronouns.** In our circles you choose your display name, and you can
          share your pronouns if and when you want to.

        ## For family and friends

        Listening, using the name and pronouns someone asks for, and telling them you love
        them can mean a great deal. You do not need to understand everything to be supportive.

        ## If things feel overwhelming

        If you are thinking about suicide or do not feel safe, please reach out right away:
        see **Crisis help** at the top of every page for lines you can call or text at any
        time.
        """),
    },
    {
        "title": "Problem solving when everything feels tangled",
        "summary": "A simple, structured way to separate a heavy cloud of worries into one "
        "problem at a time, and take a first step.",
        "type": "article",
        "topics": ["general-wellbeing", "anxiety", "depression"],
        "audience": "Everyone",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Problem solving when everything feels tangled

        When we are stressed, anxious or low, problems can blur together into one heavy cloud.
        Structured problem solving is a simple method, used in many talking therapies, for
        separating that cloud into pieces you can work on one at a time. It will not make
        every problem go away, but it can help you feel less stuck.

        ## The steps

        1. **Name one problem.** Choose a single, specific problem. "My life is a mess" is hard
           to solve; "I have not opened my bank statements for two months" is a place to start.
        2. **Brainstorm options.** Write down every possible solution you can think of, even
           ones that seem silly or unlikely. Do not judge them yet.
        3. **Weigh them up.** For each option, note the pros and cons, and how doable it is
           right now.
        4. **Choose one.** Pick the option that seems most workable, not necessarily perfect.
        5. **Plan the first step.** What exactly will you do, and when? What might get in the
           way? Who could help?
        6. **Try it.**
        7. **Review.** How did it go? If it did not work, that is useful information: go back
           to your list and try another option.

        ## Tips

        - Practise the method on a smaller problem first.
        - Work on paper or on screen; it helps to see things outside your head.
        - Ask someone you trust to brainstorm with you.
        - Notice when a problem is outside your control. Then the goal may shift from solving
          it to coping with it, and looking after yourself while you do.

        ## Try it

        Our **Problem-solving worksheet** walks you through these steps, with space to write.
        """),
    },
    {
        "title": "La ansiedad: qué es y qué no es",
        "summary": "Una explicación sencilla de la ansiedad: por qué aparece, cómo se siente en "
        "el cuerpo y la mente, y qué puede ayudar.",
        "type": "article",
        "topics": ["anxiety"],
        "language": "es",
        "audience": "Personas adultas",
        "governance": _review(ALVAREZ),
        "body_markdown": _md("""
        # La ansiedad: qué es y qué no es

        La ansiedad es la alarma natural del cuerpo. Cuando percibimos un peligro, el corazón
        late más rápido, la respiración se acelera y los músculos se tensan. En la medida
        justa, esta alarma nos protege y nos ayuda a prepararnos para lo que importa.

        A veces, sin embargo, la alarma suena con demasiada frecuencia, con demasiada fuerza o
        cuando no hay un peligro real. Si la preocupación o el miedo empiezan a limitar la vida
        diaria, puede tratarse de un trastorno de ansiedad.

        ## Cómo se puede sentir

        - Corazón acelerado, pecho apretado o respiración corta
        - Inquietud, irritabilidad o dificultad para dormir
        - Preocupaciones difíciles de apagar, muchas veces del tipo "¿y si...?"
        - Malestar de estómago, dolor de cabeza o tensión muscular
        - Oleadas repentinas de miedo intenso, llamadas ataques de pánico

        ## Lo que la ansiedad no es

        - **No es debilidad ni un defecto de carácter.** Es una condición de salud común.
        - **No es "solo estrés".** El estrés suele bajar cuando pasa la presión; la ansiedad
          puede quedarse.
        - **No tienes que enfrentarla a solas.**

        ## Qué puede ayudar

        Muchas personas combinan varias cosas: entender cómo funciona la ansiedad, practicar
        la respiración lenta y ejercicios de anclaje, enfrentar poco a poco lo que han estado
        evitando y apoyarse en personas que comprenden. Las terapias psicológicas y, en algunos
        casos, la medicación hablada con un médico son opciones que vale la pena consultar con
        un profesional. Lo que ayuda es distinto para cada persona, y encontrarlo puede llevar
        tiempo.

        ## Apoyo entre pares

        Nuestro Círculo de Apoyo en Español es un espacio para compartir experiencias a tu
        ritmo. Es apoyo entre pares, no un tratamiento ni un servicio de crisis. Si necesitas
        ayuda urgente, consulta **Crisis help** (ayuda en crisis) en la parte superior de cada
        página.
        """),
    },
    {
        "title": "Qué esperar en tu primer grupo de apoyo",
        "summary": "Lo que suele pasar antes, durante y después de la primera reunión de un "
        "círculo, y lo que un grupo de apoyo entre pares es y no es.",
        "type": "article",
        "topics": ["general-wellbeing"],
        "language": "es",
        "audience": "Personas nuevas en los círculos",
        "governance": _review(ALVAREZ),
        "body_markdown": _md("""
        # Qué esperar en tu primer grupo de apoyo

        Llegar por primera vez a un grupo, en persona o en línea, puede dar nervios. Es normal.
        Aquí te contamos lo que suele pasar, para que haya menos sorpresas.

        ## Antes de la reunión

        - Revisa la hora, el lugar o el enlace en la página del grupo, y confirma tu asistencia.
        - Lee las pautas del grupo: explican cómo funciona y qué se pide a cada participante.
        - Si necesitas algún ajuste de accesibilidad, avisa con tiempo a la persona que facilita.

        ## Durante la reunión

        Una persona facilitadora, con formación en apoyo entre pares, guía el encuentro. Casi
        siempre hay:

        1. **Bienvenida y pautas**, incluida la confidencialidad.
        2. **Ronda de inicio**, en la que cada persona dice cómo está. Puedes decir solo tu
           nombre visible y "hoy prefiero escuchar".
        3. **Tiempo para compartir**, o para trabajar juntos un tema o una habilidad.
        4. **Cierre**, con una reflexión breve.

        ## Tú decides qué compartir

        Nunca tienes que hablar ni contar tu historia. Escuchar también es participar.

        ## Lo que el grupo es y lo que no es

        Un grupo de apoyo entre pares es un lugar para sentirse escuchado por personas que
        entienden desde su propia experiencia. No es terapia, quien facilita no es un
        profesional clínico y el grupo no es un servicio de crisis. Si necesitas ayuda urgente,
        consulta **Crisis help** (ayuda en crisis) en la parte superior de cada página.

        ## Después

        Es común sentir cansancio, alivio o sensibilidad después de la primera reunión. Trátate
        con cuidado. A veces hacen falta varias reuniones para saber si un grupo es para ti; si
        no lo es, puede que otro círculo sí lo sea.
        """),
    },
    # --- worksheets ---------------------------------------------------------------------------
    {
        "title": "Box breathing for panic attacks",
        "summary": "A step-by-step breathing exercise to help your body settle during a panic "
        "attack, with a practice log.",
        "type": "worksheet",
        "topics": ["anxiety"],
        "audience": "Adults and young people",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Box breathing for panic attacks

        A panic attack is a sudden rush of intense fear with strong sensations in the body: a
        pounding heart, fast breathing, dizziness, tingling, or a feeling that things are not
        real. Panic attacks are frightening, but they pass. Slow, even breathing is one way to
        help your body settle while the wave passes.

        Box breathing uses four equal steps, like the four sides of a box. Practise it when you
        are calm first, so that it feels familiar when you need it.

        ## Step by step

        1. **Get settled.** Sit or stand with your feet on the floor. If it helps, rest one
           hand on your belly.
        2. **Breathe out** gently through your mouth, and let your shoulders drop.
        3. **Breathe in** slowly through your nose while you count to four.
        4. **Hold** your breath softly for a count of four. Do not strain.
        5. **Breathe out** slowly for a count of four.
        6. **Hold** again, gently, for a count of four.
        7. **Repeat** the box four or five times, or for as long as it helps.

        If a count of four feels too long, use three. If holding your breath makes you feel
        more anxious, skip the holds: breathe in for four and out for a little longer.

        ## During a panic attack

        - Remind yourself: "This is panic. It is uncomfortable, and it will pass."
        - Trace a square with your finger on your knee or a table as you breathe.
        - Let the sensations be there without fighting them.

        ## My practice log

        | Day | When I practised | How I felt before (0-10) | How I felt after (0-10) |
        |---|---|---|---|
        | Mon | | | |
        | Tue | | | |
        | Wed | | | |
        | Thu | | | |
        | Fri | | | |
        | Sat | | | |
        | Sun | | | |

        ## A note on safety

        Chest pain or shortness of breath can have other causes. If symptoms are new, different
        from usual, or you are unsure, get medical help. Breathing skills ease panic for many
        people, but they are not a treatment on their own; if panic attacks are affecting your
        life, talk with a doctor or therapist.
        """),
    },
    {
        "title": "Thought record: catching and checking unhelpful thoughts",
        "summary": "A cognitive behavioral worksheet for slowing down a painful thought, "
        "weighing the evidence and finding a more balanced view. With a worked example.",
        "type": "worksheet",
        "topics": ["anxiety", "depression"],
        "audience": "Adults",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Thought record: catching and checking unhelpful thoughts

        Our thoughts shape how we feel and what we do. When we are anxious or low, the mind can
        jump to conclusions that feel true but are not the whole picture. A thought record is
        a tool from cognitive behavioral therapy for slowing down and looking at a thought more
        closely. The aim is not to "think positive", but to think in a more balanced way.

        ## How to use it

        Fill in the columns soon after you notice a strong change in mood. Start with one
        situation a day.

        1. **Situation.** Where were you, who was there, what was happening? Stick to facts.
        2. **Feelings.** Name each feeling (for example anxious, sad, ashamed, angry) and rate
           how strong it is, from 0 to 100.
        3. **Automatic thought.** What went through your mind? Which thought hit hardest?
        4. **Evidence for.** What facts support the thought?
        5. **Evidence against.** What facts do not fit? What would you say to a friend who had
           this thought? Have there been times when it was not true?
        6. **Balanced thought.** Taking all the evidence into account, what is a fairer view?
        7. **Feelings now.** Rate your feelings again, from 0 to 100.

        ## A worked example

        - **Situation:** A friend has not replied to my message all day.
        - **Feelings:** worried 70, sad 50
        - **Automatic thought:** "They are annoyed with me."
        - **Evidence for:** They usually reply quickly.
        - **Evidence against:** They mentioned a busy week at work. They have never said they
          are annoyed with me.
        - **Balanced thought:** "They are probably busy. If something is wrong, I can ask."
        - **Feelings now:** worried 35, sad 20

        ## My thought record

        | Situation | Feelings (0-100) | Automatic thought | For | Against | Balanced thought |
        |---|---|---|---|---|---|
        | | | | | | |
        | | | | | | |
        | | | | | | |

        After each row, note how strong your feelings are now.

        ## Be patient with yourself

        It can feel awkward at first, and it tends to get easier with practice. You are welcome
        to bring your records to a therapist, or to talk about what you noticed in a group.
        """),
    },
    {
        "title": "Problem-solving worksheet",
        "summary": "Work through one problem at a time: define it, brainstorm options, weigh "
        "them up, plan a first step and review how it went.",
        "type": "worksheet",
        "topics": ["general-wellbeing"],
        "audience": "Everyone",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Problem-solving worksheet

        Use this worksheet to work through one problem at a time. Our article **Problem solving
        when everything feels tangled** explains each step. Give yourself about twenty minutes
        somewhere quiet, and fill in the tables on paper or in a copy of this page.

        ## 1. The problem and what I would like instead

        | Question | My answer |
        |---|---|
        | What is the problem, in one or two sentences? | |
        | Why does it matter to me? | |
        | What would a realistic, better outcome look like? | |

        ## 2. Possible solutions

        List as many options as you can, including ones that seem unlikely. No judging yet.

        | # | Option |
        |---|---|
        | 1 | |
        | 2 | |
        | 3 | |
        | 4 | |
        | 5 | |

        ## 3. Weighing up

        | Option | Pros | Cons | How doable right now? (low, medium, high) |
        |---|---|---|---|
        | | | | |
        | | | | |
        | | | | |

        ## 4. My plan

        | Question | My answer |
        |---|---|
        | The option I will try first | |
        | My first step | |
        | When I will do it | |
        | What might get in the way | |
        | How I will handle that | |
        | Who could help | |

        ## 5. Review

        | Question | My answer |
        |---|---|
        | What happened? | |
        | What did I learn? | |
        | Keep going, adjust, or try another option? | |

        ## Remember

        Some problems cannot be solved, only coped with. If that is the case, it is okay to
        shift your goal to looking after yourself while you live with the situation, and to
        ask for support along the way.
        """),
    },
    {
        "title": "Weekly activity planner",
        "summary": "Plan small routine, enjoyable and meaningful activities across the week, "
        "and notice what lifts your mood, even a little.",
        "type": "worksheet",
        "topics": ["depression", "general-wellbeing"],
        "audience": "Adults",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Weekly activity planner

        When mood is low, it is natural to do less. Doing less can lead to feeling worse, which
        leads to doing even less. Planning small, manageable activities is a gentle way to
        interrupt that cycle; talking therapies for depression often use this approach, called
        behavioral activation. You do not have to wait until you feel motivated: often,
        motivation follows action.

        ## Three kinds of activity

        Try to include a mix across the week:

        - **Routine:** things that keep daily life running, such as showering, cooking, laundry
          or paying a bill.
        - **Pleasure:** things you enjoy, or used to enjoy, such as music, a favourite show or
          time with a pet.
        - **Meaning:** things that give a sense of achievement or connect with what matters to
          you, such as helping someone, learning, making something, or tidying one drawer.

        ## How to plan

        1. Choose one or two small activities for each day. Make them smaller than you think
           you need to.
        2. Write down when you will do them.
        3. Afterwards, rate your enjoyment (E) and sense of achievement (A) from 0 to 10.
        4. At the end of the week, look for patterns: what lifted your mood, even a little?

        ## My week

        | Day | Morning | Afternoon | Evening | E (0-10) | A (0-10) |
        |---|---|---|---|---|---|
        | Monday | | | | | |
        | Tuesday | | | | | |
        | Wednesday | | | | | |
        | Thursday | | | | | |
        | Friday | | | | | |
        | Saturday | | | | | |
        | Sunday | | | | | |

        ## If a plan does not happen

        That is okay. Notice what got in the way without blaming yourself, and make the next
        step smaller. A five-minute walk counts. Getting dressed counts.

        ## Looking back on the week

        - What helped most?
        - What would I like to try next week?
        - Who could join me for one activity?
        """),
    },
    {
        "title": "Grounding with 5-4-3-2-1",
        "summary": "A senses-based exercise for bringing your attention back to the present "
        "when you feel overwhelmed, panicky or caught up in memories.",
        "type": "worksheet",
        "topics": ["anxiety", "trauma-and-ptsd"],
        "audience": "Everyone",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Grounding with 5-4-3-2-1

        Grounding brings your attention back to the present moment through your senses. It can
        help when you feel overwhelmed, anxious or panicky, or caught up in memories or racing
        thoughts. You can do it anywhere, with your eyes open, and nobody needs to know.

        ## The exercise

        Take a slow breath, then notice:

        **5 things you can see.** Look around and name them, silently or aloud: "a blue mug, a
        crack in the ceiling, my shoelaces". Notice details such as colour and shape.

        **4 things you can feel.** The chair under you, your feet on the floor, the fabric of
        your sleeve, the air on your skin.

        **3 things you can hear.** Traffic, a clock, your own breathing. Listen for the quiet
        sounds too.

        **2 things you can smell.** If nothing comes, find a smell, such as soap, coffee or
        your own sleeve, or name two smells you like.

        **1 thing you can taste.** A sip of water, a mint, or simply the taste in your mouth.

        Finish with another slow breath, and notice how you feel now compared with when you
        started.

        ## Make it your own

        - If a sense is hard to use, skip it or double up on another.
        - Keep a small object with an interesting texture in your pocket to hold.
        - Say your name, today's date and where you are. Add "I am safe right now" only if it
          is true for you; use the words that fit.

        ## Practise when calm

        Skills are easier to reach for when they are familiar. Try this once a day for a week.

        ## My notes

        | Date | What was happening | Distress before (0-10) | Distress after (0-10) |
        |---|---|---|---|
        | | | | |
        | | | | |
        | | | | |

        ## A gentle reminder

        Grounding can take the edge off a hard moment, but it does not replace support. If you
        often feel overwhelmed or disconnected, consider talking with a doctor or therapist. If
        you feel unsafe, see **Crisis help** at the top of every page.
        """),
    },
    {
        "title": "Relapse-prevention plan for substance use",
        "summary": "A personal plan, written while you feel steady, to notice triggers and "
        "warning signs early, cope with cravings, and know what to do after a lapse.",
        "type": "worksheet",
        "topics": ["substance-use"],
        "audience": "People in recovery",
        "content_notes": ["discusses alcohol and drug use", "mentions overdose risk"],
        "governance": _review(WHITFIELD),
        "body_markdown": _md("""
        # Relapse-prevention plan for substance use

        Recovery is rarely a straight line. A relapse-prevention plan is a personal guide you
        write while you are feeling steady, to help you notice warning signs early and know
        what to do. Fill it in on your own, with a counselor or peer mentor, or with someone
        you trust, and review it every few months: plans change as you do.

        ## 1. Why recovery matters to me

        | My reasons |
        |---|
        | |
        | |

        ## 2. My triggers

        People, places, feelings, times or situations that make cravings more likely (for
        example payday, arguments, being alone on a Friday night, celebrations).

        | Trigger | How I can avoid it or prepare for it |
        |---|---|
        | | |
        | | |
        | | |

        ## 3. My early warning signs

        Changes I or others might notice before a lapse, such as skipping meetings, isolating,
        poor sleep, remembering past use fondly, or thinking "just once won't hurt".

        | Warning sign | What I will do when I notice it |
        |---|---|
        | | |
        | | |

        ## 4. Riding out cravings

        Cravings rise, peak and fall, like a wave. Things that can help:

        - Delay: wait twenty minutes and do something else.
        - Call or message someone from my support list.
        - Move: walk, stretch, get outside.
        - Re-read my reasons.
        - My own ideas:

        ## 5. My support people

        | Name | How to reach them | Good times to call |
        |---|---|---|
        | | | |
        | | | |
        | | | |

        Include your peer group's meeting times and your counselor's or doctor's details.

        ## 6. If I lapse

        A lapse does not cancel out my progress. If it happens, I will:

        1. Get myself somewhere safe.
        2. Tell someone on my support list.
        3. Remember that after time without using, my body may not handle the amount I used
           before, so the risk of overdose is higher.
        4. Get medical help straight away if I feel unwell, or call the local emergency number.
        5. Look at what led up to it, without blame, and update this plan.

        This plan supports, and does not replace, care from a doctor or addiction service. See
        our **Services** listings for local support.
        """),
    },
    {
        "title": "Sleep diary",
        "summary": "A two-week diary to see your sleep patterns more clearly and bring a truer "
        "picture to an appointment.",
        "type": "worksheet",
        "topics": ["general-wellbeing", "depression", "anxiety"],
        "audience": "Adults",
        "governance": _review(LINDQVIST),
        "body_markdown": _md("""
        # Sleep diary

        A sleep diary helps you see your sleep patterns more clearly. Memory is not very
        reliable about sleep, especially after a bad night, so writing things down each day
        gives a truer picture. A diary is also useful to bring when you talk with a doctor
        about sleep.

        ## How to use it

        - Add the evening details before bed, and the night's details within an hour of
          getting up.
        - Keep it for at least two weeks.
        - Estimates are fine. Do not check the clock during the night to fill it in;
          clock-watching can make sleep harder.

        ## My diary

        | | Day 1 | Day 2 | Day 3 | Day 4 | Day 5 | Day 6 | Day 7 |
        |---|---|---|---|---|---|---|---|
        | Caffeine or alcohol (what, when) | | | | | | | |
        | Naps (when, how long) | | | | | | | |
        | Medication or sleep aids | | | | | | | |
        | Into bed | | | | | | | |
        | Lights out | | | | | | | |
        | Time to fall asleep | | | | | | | |
        | Times awake in the night | | | | | | | |
        | Woke up | | | | | | | |
        | Got up | | | | | | | |
        | Sleep quality (1 very poor to 5 very good) | | | | | | | |
        | Mood the next day (1 very low to 5 very good) | | | | | | | |

        Use a second copy for the following week.

        ## Looking back

        After two weeks, look for patterns. Do late coffees, screens, naps or stressful days
        line up with poorer nights? Choose one small change to try, and keep the diary going to
        see what happens.

        Our article **Sleep and mental health** has ideas to try. If poor sleep continues,
        bring this diary to a doctor. Take any medication as prescribed, and talk with your
        prescriber before changing it.
        """),
    },
    {
        "title": "Respiración en caja para ataques de pánico",
        "summary": "Un ejercicio de respiración paso a paso para ayudar al cuerpo a calmarse "
        "durante un ataque de pánico.",
        "type": "worksheet",
        "topics": ["anxiety"],
        "language": "es",
        "audience": "Personas adultas y jóvenes",
        "governance": _review(ALVAREZ),
        "body_markdown": _md("""
        # Respiración en caja para ataques de pánico

        Un ataque de pánico es una oleada repentina de miedo intenso, con sensaciones fuertes
        en el cuerpo: corazón acelerado, respiración rápida, mareo u hormigueo. Es muy
        desagradable, pero pasa. Respirar de forma lenta y pareja puede ayudar al cuerpo a
        calmarse mientras pasa la ola.

        La respiración en caja tiene cuatro pasos iguales, como los cuatro lados de una caja.
        Practícala primero en un momento de calma, para que te resulte familiar cuando la
        necesites.

        ## Paso a paso

        1. **Acomódate.** Siéntate o ponte de pie, con los pies en el suelo.
        2. **Suelta el aire** suavemente por la boca y deja caer los hombros.
        3. **Inhala** despacio por la nariz mientras cuentas hasta cuatro.
        4. **Sostén** el aire con suavidad, contando hasta cuatro, sin forzar.
        5. **Exhala** despacio, contando hasta cuatro.
        6. **Sostén** de nuevo, con suavidad, contando hasta cuatro.
        7. **Repite** la caja cuatro o cinco veces.

        Si contar hasta cuatro se hace largo, cuenta hasta tres. Si sostener el aire te pone
        más nervioso o nerviosa, omite las pausas: inhala contando hasta cuatro y exhala un
        poco más despacio.

        ## Durante un ataque de pánico

        - Recuérdate: "Esto es pánico. Es incómodo, y va a pasar."
        - Dibuja un cuadrado con el dedo sobre la rodilla mientras respiras.
        - Deja que las sensaciones estén ahí, sin pelear con ellas.

        ## Una nota de seguridad

        El dolor de pecho o la falta de aire pueden tener otras causas. Si los síntomas son
        nuevos, distintos de lo habitual, o tienes dudas, busca atención médica. Si los ataques
        de pánico afectan tu vida diaria, habla con un médico o con un terapeuta.
        """),
    },
    # --- videos -------------------------------------------------------------------------------
    {
        "title": "A ten-minute guided body scan",
        "summary": "A peer facilitator guides a gentle body scan to help you unwind. Captioned, "
        "with notes for trauma survivors.",
        "type": "video",
        "topics": ["general-wellbeing", "anxiety"],
        "audience": "Everyone",
        "url": "https://videos.example.org/library/guided-body-scan",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # A ten-minute guided body scan

        In this video, a peer facilitator from our anxiety circle guides a gentle body scan: a
        practice of moving your attention slowly through the body, noticing sensations without
        trying to change them. Many people use it to unwind at the end of the day or to settle
        before sleep.

        ## Before you start

        - Find a place where you will not be disturbed for about ten minutes.
        - Sit in a supportive chair or lie down, whichever is comfortable.
        - Keep your eyes open, looking softly at the floor, or close them.
        - Headphones can help you focus on the voice.

        ## What the video covers

        1. **Arriving:** settling in and noticing the breath.
        2. **Feet and legs:** contact with the floor or bed, warmth, coolness, tension.
        3. **Hips, belly and back:** letting the breath move naturally.
        4. **Hands, arms and shoulders:** an invitation to let the shoulders soften.
        5. **Neck, face and head:** noticing the jaw and the space around the eyes.
        6. **The whole body:** resting in awareness of the body as a whole.
        7. **Returning:** moving fingers and toes, and coming back to the room.

        ## If your mind wanders

        It will, and that is part of the practice. When you notice you have drifted, gently
        bring your attention back to the part of the body you were on, without judging
        yourself.

        ## A note for trauma survivors

        Paying close attention to the body is not comfortable for everyone. You are always in
        charge: keep your eyes open, move whenever you like, skip parts of the body, or stop
        the video. Grounding through the senses, as in our **Grounding with 5-4-3-2-1**
        worksheet, may suit you better.

        ## Accessibility

        The video has captions and a full transcript.
        """),
    },
    {
        "title": "Talking with a family member about mental health",
        "summary": "Two short, acted conversations between family members, with a facilitator "
        "from our caregivers' circle on what helped and what to try differently.",
        "type": "video",
        "topics": ["family-and-caregivers"],
        "audience": "Family and friends",
        "url": "https://videos.example.org/library/family-conversations",
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Talking with a family member about mental health

        This video follows two short conversations, played by actors: a parent who is worried
        about their adult son, and a young woman telling her older brother that she has been
        struggling. After each scene, a facilitator from our caregivers' circle talks through
        what went well and what could be tried differently.

        ## In the video

        - **Choosing a moment.** Why a car journey or a walk side by side can feel easier than
          a face-to-face talk.
        - **Opening the door.** Starting with what you have noticed and why you care: "You have
          seemed really tired lately, and I care about you."
        - **Listening.** Letting silences sit, and resisting the urge to fix.
        - **When it does not go to plan.** What to do if the person gets defensive or changes
          the subject.
        - **Following up.** Checking in again a few days later.

        ## Questions to reflect on

        1. What would make it easier for the person I am worried about to talk to me?
        2. What do I tend to do when a conversation makes me anxious: talk more, try to fix
           things, or avoid the subject?
        3. What support do I need for myself?

        ## A note on timing

        If you believe someone is in immediate danger, do not wait for the right moment: see
        **Crisis help** at the top of every page, or call your local emergency number.

        ## More to read

        Our article **Supporting someone you love** goes into more detail. Our caregivers'
        circle meets online for family members and friends.

        The video has captions and a full transcript.
        """),
    },
    {
        "title": "Understanding the stress response",
        "summary": "A short animated video on what happens in the body when we sense danger, "
        "why the alarm can stay switched on after trauma, and what helps it settle.",
        "type": "video",
        "topics": ["trauma-and-ptsd", "veterans", "anxiety"],
        "audience": "Adults, including veterans",
        "url": "https://videos.example.org/library/stress-response",
        "content_notes": ["discusses trauma"],
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Understanding the stress response

        This short animated video explains what happens in the body when we sense danger, and
        why that response can keep firing long after a threat has passed. It was made with
        input from members of our veterans' circle, and it speaks to anyone living with
        anxiety or the effects of trauma.

        ## What the video explains

        - **The alarm system.** How brain and body prepare to fight, flee or freeze, and why
          this is a survival response, not a weakness.
        - **Stuck on high alert.** How, after trauma or a long period of stress, the alarm can
          become more sensitive, so that everyday sounds, crowds or memories set it off.
        - **The body's brakes.** How slow breathing, movement, rest and connection help the
          body shift back toward calm.
        - **Small daily practices.** Ideas to try, from grounding through the senses to keeping
          regular routines.

        ## Watching it safely

        The video uses simple animation and does not show or describe traumatic events. Even
        so, learning about trauma responses can stir things up. You can pause at any time.
        Have a glass of water nearby, and think about what you will do afterwards to look
        after yourself.

        ## For veterans

        Many veterans describe the move back to civilian life as a time when the stress
        response is hard to switch off. Our veterans' circle offers support from others who
        have served. If you are in crisis, see **Crisis help** at the top of every page.

        ## After watching

        Our worksheets **Grounding with 5-4-3-2-1** and **Box breathing for panic attacks** put
        these ideas into practice. If trauma responses are affecting your daily life, a
        trauma-informed professional can help you explore treatment options.

        The video has captions and a full transcript.
        """),
    },
    # --- local services (fictional: 555-01xx numbers, example.org websites) -------------------
    {
        "title": "Harbor Counseling Service",
        "summary": "Individual, couples and family counseling in downtown Springfield, with "
        "sliding-scale fees and sessions in English and Spanish.",
        "type": "service",
        "topics": [
            "general-wellbeing",
            "anxiety",
            "depression",
            "family-and-caregivers",
            "lgbtq",
            "youth",
        ],
        "audience": "Adults, young people and families in Springfield, IL",
        "contact": {
            "organization": "Harbor Counseling Service",
            "phone": "+1 217 555 0142",
            "email": "intake@harbor-counseling.example.org",
            "website": "https://harbor-counseling.example.org",
            "address": "410 Elm Street, Springfield, IL 62701",
            "hours": "Mon-Fri 9am-7pm; Sat 9am-1pm",
        },
        "governance": _review(ALVAREZ),
        "body_markdown": _md("""
        # Harbor Counseling Service

        Harbor Counseling Service is a community counseling service in downtown Springfield,
        in the same building where several of our circles meet. Its licensed counselors work
        with adults, young people and families.

        ## What they offer

        - One-to-one counseling for anxiety, depression, stress, grief and life changes
        - Couples and family counseling
        - Counseling for young people aged 14 and over, with a parent's or guardian's consent
          where needed
        - Sessions in English and Spanish (atención en español)
        - Affirming care for LGBTQ+ people
        - Sessions in person or by video

        ## Getting started

        Call or email the intake team. They will ask a few questions about what you are
        looking for and offer a first appointment. You do not need a referral from a doctor.

        ## Costs

        Fees are on a sliding scale based on income, and the service accepts several insurance
        plans. Ask the intake team about what applies to you; nobody is turned away for being
        unable to pay the full fee.

        ## Accessibility

        The building has a step-free entrance and a lift. Tell the intake team about any other
        access needs.

        ## Please note

        Harbor Counseling Service is not an emergency service and cannot respond to crises.
        If you need help right now, see **Crisis help** at the top of every page.
        """),
    },
    {
        "title": "Prairie Light Grief and Family Center",
        "summary": "Grief counseling and support groups for adults, children and teens in "
        "Springfield, including support for people bereaved by suicide.",
        "type": "service",
        "topics": ["grief-and-loss", "family-and-caregivers", "youth"],
        "audience": "Bereaved adults, children, teens and families in Springfield, IL",
        "content_notes": ["mentions suicide loss"],
        "contact": {
            "organization": "Prairie Light Grief and Family Center",
            "phone": "+1 217 555 0167",
            "email": "hello@prairielight.example.org",
            "website": "https://prairielight.example.org",
            "address": "1200 Willow Lane, Springfield, IL 62704",
            "hours": "Mon-Thu 10am-8pm; Fri 10am-4pm",
        },
        "governance": _review(OKAFOR),
        "body_markdown": _md("""
        # Prairie Light Grief and Family Center

        Prairie Light is a nonprofit center in Springfield for people of all ages who are
        grieving a death. Its counselors and trained volunteers offer a steady, unhurried
        place to grieve, whether the loss was recent or many years ago.

        ## What they offer

        - **Individual grief counseling** for adults
        - **Groups for children and teens**, grouped by age, where young people can express
          grief through talking, art and play
        - **Family sessions** to help households grieve together
        - **Support for people bereaved by suicide**, in a group led by a counselor
        - **A monthly remembrance evening** open to the community

        ## Getting started

        Call or email to arrange a short conversation with a member of the team, who will talk
        through what might fit. Parents and carers are welcome to call for advice about
        supporting a grieving child.

        ## Costs

        Most groups are free. Counseling fees are on a sliding scale. Ask about what applies
        to you.

        ## Please note

        Prairie Light is not a crisis service. If grief has brought thoughts of suicide, or you
        are worried about someone's safety, please reach out now: see **Crisis help** at the
        top of every page for lines you can call or text at any time.
        """),
    },
    {
        "title": "Riverbend Recovery Services",
        "summary": "Outpatient support for people affected by alcohol or drug use in "
        "Springfield: assessments, counseling, medical care, peer recovery coaching and a "
        "family program.",
        "type": "service",
        "topics": ["substance-use", "family-and-caregivers"],
        "audience": "Adults and families in Springfield, IL",
        "content_notes": ["discusses alcohol and drug use"],
        "contact": {
            "organization": "Riverbend Recovery Services",
            "phone": "+1 217 555 0188",
            "email": "welcome@riverbend-recovery.example.org",
            "website": "https://riverbend-recovery.example.org",
            "address": "2150 Riverbend Drive, Springfield, IL 62702",
            "hours": "Mon-Fri 8am-8pm; Sat 9am-12pm",
        },
        "governance": _review(WHITFIELD),
        "body_markdown": _md("""
        # Riverbend Recovery Services

        Riverbend Recovery Services is an outpatient program in Springfield for people whose
        use of alcohol or other drugs is causing problems, and for the families who love them.
        The team respects every pathway to recovery and meets people wherever they are.

        ## What they offer

        - **Assessment:** a confidential conversation about your use, your health and your
          goals, and the options that might fit
        - **Counseling,** one to one and in groups
        - **Medical care:** a doctor can talk with you about stopping safely and about
          medication for some substance use disorders
        - **Peer recovery coaches:** trained staff with their own lived experience of recovery
        - **Family program:** support and information for partners, parents and other
          relatives
        - **Harm reduction information** for people who are not ready or not wanting to stop

        ## Getting started

        Call or come in during opening hours to arrange an assessment. You do not need a
        referral. If you drink heavily every day or take sedatives, please talk with a doctor
        before stopping, as stopping suddenly can be dangerous.

        ## Costs

        Riverbend accepts many insurance plans and offers a sliding scale. Ask the front desk
        about what applies to you.

        ## Please note

        Riverbend is not an emergency service. If you or someone else is unwell after using,
        or you need help right now, call your local emergency number or see **Crisis help** at
        the top of every page.
        """),
    },
    # --- crisis lines (exactly as /work/shared/crisis-facts.md states them) -------------------
    {
        "title": "988 Suicide & Crisis Lifeline",
        "summary": "Free, confidential support in the US for anyone in emotional distress or a "
        "suicidal crisis, or worried about someone else. Call or text 988, 24/7.",
        "type": "hotline",
        "topics": [
            "general-wellbeing",
            "depression",
            "anxiety",
            "bipolar",
            "trauma-and-ptsd",
            "substance-use",
            "veterans",
            "youth",
        ],
        "audience": "Anyone in the United States",
        "content_notes": ["mentions suicide"],
        "contact": {
            "organization": "988 Suicide & Crisis Lifeline",
            "phone": "988",
            "website": "https://988lifeline.org",
            "hours": "24/7. Call or text 988, or chat at 988lifeline.org/chat",
        },
        "governance": _review(OKAFOR, reviewed_on=CRISIS_FACTS_CHECKED, due="2027-05-28"),
        "body_markdown": _md("""
        # 988 Suicide & Crisis Lifeline

        The 988 Suicide & Crisis Lifeline offers free, confidential support in the United
        States to anyone in emotional distress or a suicidal crisis, and to people who are
        worried about someone else. You do not need to be thinking about suicide to reach out.

        ## How to reach it

        - **Call or text 988**, any time, day or night.
        - **Chat online** at 988lifeline.org/chat.

        ## Language and access

        - **Spanish:** when calling, press **2**. When texting, text **AYUDA** to 988.
        - **Other languages:** calls can use an interpreter in more than 240 languages.
        - **Veterans:** call 988 and press **1** to reach the Veterans Crisis Line.
        - **Deaf and hard of hearing:** use ASL Now on 988lifeline.org, or call 988 from a
          videophone. Relay service users can also dial 988.

        ## What to expect

        A trained crisis counselor will answer, listen, and help you think about what might
        help right now. You decide how much to share.

        ## In an emergency

        If you or someone else is in immediate danger, call **911**.

        ## Outside the United States

        Find a line near you at findahelpline.com, or call your local emergency number.

        ## About Strength Circles

        Strength Circles is peer support, not a crisis service: our facilitators and members
        cannot respond to emergencies. If you are struggling now, please reach out to 988; you
        deserve support right away.

        *Details checked on 28 November 2026.*
        """),
    },
    {
        "title": "Crisis Text Line",
        "summary": "Free, confidential support by text message in the US, 24/7. Text HOME to "
        "741741. En español: AYUDA al 741741.",
        "type": "hotline",
        "topics": [
            "general-wellbeing",
            "depression",
            "anxiety",
            "trauma-and-ptsd",
            "eating-disorders",
            "lgbtq",
            "youth",
        ],
        "audience": "Anyone in the United States",
        "content_notes": ["mentions suicide", "mentions self-harm"],
        # No ``phone``: 741741 takes texts only, and the HSDS export types a phone as "voice".
        "contact": {
            "organization": "Crisis Text Line",
            "website": "https://www.crisistextline.org",
            "hours": "24/7. Text HOME to 741741 (en español: AYUDA al 741741)",
        },
        "governance": _review(OKAFOR, reviewed_on=CRISIS_FACTS_CHECKED, due="2027-05-28"),
        "body_markdown": _md("""
        # Crisis Text Line

        Crisis Text Line offers free, confidential support by text message in the United
        States, 24 hours a day, 7 days a week. Texting can feel easier than calling, especially
        if you are somewhere you cannot talk freely, or if speaking out loud feels like too
        much right now.

        ## How to reach it

        - **Text HOME to 741741**, any time.
        - **En español:** envía **AYUDA** al **741741**, o escribe por WhatsApp al
          **442-AYUDAME**.

        ## When to reach out

        Any time you are struggling and need someone to talk to: if you feel overwhelmed,
        anxious or hopeless, or if you are having thoughts of suicide or self-harm. You do not
        need to be in a particular kind of crisis to text.

        ## What to expect

        A trained crisis counselor will reply and listen. You can share as much or as little as
        you like.

        ## In an emergency

        If you or someone else is in immediate danger, call **911**.

        ## Other options

        You can also call or text **988** to reach the 988 Suicide & Crisis Lifeline. Outside
        the United States, find a line near you at findahelpline.com.

        ## About Strength Circles

        Strength Circles is peer support, not a crisis service: our facilitators and members
        cannot respond to emergencies. If you are struggling now, please reach out; you
        deserve support right away.

        *Details checked on 28 November 2026.*
        """),
    },
]


DEMO_STORIES: list[dict[str, Any]] = [
    {
        "title": "Learning to ride the wave",
        "topics": ["anxiety"],
        "anonymous": False,
        "body_markdown": _md("""
        For about three years I planned my days around the exits. Which seat on the bus was
        closest to the door. Which meetings I could leave early. Which shops were small enough
        to get out of quickly.

        My first panic attack happened at my desk on an ordinary afternoon. My heart was
        pounding, my hands went numb and I was sure something terrible was happening to my
        body. I was checked over and told it was a panic attack. I remember feeling relieved
        and embarrassed at the same time, and then, over the next months, more and more afraid
        of the next one.

        My doctor talked with me about options and put me on a waiting list for therapy. While
        I waited, a friend sent me a link to an online anxiety circle. I joined three meetings
        with my camera off before I said a word. What finally got me talking was hearing
        another member describe the exact thing I did with exits. I had honestly thought it
        was only me.

        I would love to say that one breathing exercise changed everything. It did not. The
        first few times I tried box breathing in the middle of panic, I lost count and gave up.
        What helped was practising when I was calm, every evening, until it was boring. Then,
        slowly, it was there when I reached for it.

        Therapy, when it started, helped me stop running from the feelings and start, very
        gradually, going back to the places I had been avoiding. My circle cheered every small
        step: a full meeting without leaving, a trip to the big supermarket, a seat in the
        middle of the bus.

        I still have panic attacks sometimes. There was one last month, on a train. The
        difference is that I know what it is now. I can tell myself, "This is panic. It will
        pass," and breathe, and wait, and it does pass.

        I am not cured, and I have stopped waiting to be. My life is bigger than it was, and I
        am not doing it alone.
        """),
    },
    {
        "title": "What I carry now",
        "topics": ["grief-and-loss", "family-and-caregivers"],
        "anonymous": True,
        "body_markdown": _md("""
        I looked after my mother for the last two years of her illness. When she died, people
        kept telling me I must be relieved that she was not suffering any more. I was. I was
        also furious, lost and guilty about the relief, and I had no idea what to do with a
        Tuesday afternoon when there were no appointments to drive to and no medication to
        sort.

        For a few months I kept very busy. I cleared out her apartment, went back to work full time
        and told everyone I was fine. Then, one evening in the supermarket, I saw the cookies
        she liked and had to leave my basket in the aisle and sit in the car for an hour.

        A friend mentioned a grief circle that met at the library on Thursdays. I almost did
        not go. I did not think my grief counted, because she had been ill for so long and we
        had "had time to prepare". On my first evening, a man who had lost his wife after a
        long illness said almost exactly those words, and something in my chest let go.

        Nobody in the circle tried to fix anything. They listened. They asked about my mother:
        what she was like, what she used to say. It had been months since anyone had said her
        name to me, because they were afraid of upsetting me. Saying it out loud turned out to
        be one of the things that helped most.

        The circle also helped me notice that I had stopped looking after myself the day I
        stopped looking after her. I started small: a walk at lunchtime, a proper dinner, a
        regular bedtime. When the first anniversary came, I planned the day instead of
        dreading it, and I spent it with my sister at Mom's favorite garden.

        Grief has not gone away. It comes in waves, and some of them still knock me over. But
        the waves are further apart now, and in between there is room for ordinary life, and
        for remembering her with something closer to warmth than pain.
        """),
    },
    {
        "title": "Starting again, more than once",
        "topics": ["substance-use", "depression"],
        "anonymous": True,
        "body_markdown": _md("""
        I started drinking more after a long stretch of depression that I did not have a name
        for. A drink in the evening made the heaviness lift for an hour or two. Over a few
        years, one drink became most of a bottle, and the heaviness came back worse every
        morning.

        The first time I decided to stop, I tried to do it alone over a weekend. I felt so
        unwell that I went to see a doctor, who explained that stopping suddenly after drinking
        heavily every day can be dangerous, and that I did not have to do it on my own. With
        medical support, I stopped safely. For the first time, I also talked to someone about
        the depression underneath. We agreed on a plan that included counseling and medication,
        and I went back regularly so we could see how it was working.

        At eight months, I drank again. It was after a bad week at work and an argument with
        my partner, and I told myself one drink would not matter. By the end of that weekend I
        was sure I had thrown everything away. I nearly did not go back to my recovery group
        because I was ashamed.

        When I did go, the first thing someone said was, "Welcome back." Nobody lectured me.
        A few people shared their own lapses. One member helped me look at what had led up to
        mine: the bad week, the skipped meetings, the sleep I had stopped getting. Those became
        the first lines of my relapse-prevention plan.

        I keep that plan on my phone now. It has the names of three people I can call, the
        warning signs I know to watch for, and my reasons for recovery, which I reread when a
        craving hits. It does not make the hard days easy, but it helps me to ride them out.

        I do not know what the future holds. What I do know is that a lapse was not the end of
        my recovery. It was part of it. If you are starting again, maybe not for the first
        time, you are still welcome, and you are not alone.
        """),
    },
]


def seed_demo_library(db: Session) -> list[str]:
    """Publish the demo resources, by the demo facilitator; skips titles that already exist."""
    facilitator = db.scalar(select(User).where(User.email == "facilitator@example.org"))
    if facilitator is None:
        return []
    for item in DEMO_RESOURCES:
        exists = db.scalar(select(Resource.id).where(Resource.title == item["title"]).limit(1))
        if exists is not None:
            continue
        created = service.create_resource(
            db, actor=Actor.of_person(facilitator), data=ResourceCreate.model_validate(item)
        )
        service.update_resource(
            db,
            actor=Actor.of_person(facilitator),
            resource_id=created.id,
            changes=ResourceUpdate(status=ResourceStatus.published),
        )
    return [f"{len(DEMO_RESOURCES)} library resources."]


# Who shared each demo story (by position in DEMO_STORIES); the demo admin reviews them.
DEMO_STORY_AUTHORS = ["river@example.org", "maple@example.org", "juniper@example.org"]


def seed_demo_stories(db: Session) -> list[str]:
    """The demo stories, shared by demo members and approved by the demo admin."""
    admin = db.scalar(select(User).where(User.email == "admin@example.org"))
    if admin is None:
        return []
    for email, item in zip(DEMO_STORY_AUTHORS, DEMO_STORIES, strict=True):
        author = db.scalar(select(User).where(User.email == email))
        if author is None or db.scalar(
            select(Story.id).where(Story.author_id == author.id, Story.title == item["title"])
        ):
            continue
        story = stories.submit(
            db, actor=Actor.of_person(author), data=StoryCreate.model_validate(item)
        )
        stories.review(
            db,
            actor=Actor.of_person(admin),
            story_id=story.id,
            decision=StoryReview(decision="approve"),
        )
    return [f"{len(DEMO_STORIES)} recovery stories."]

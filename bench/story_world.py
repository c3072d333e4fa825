"""Hand-written facts of an invented news world, for the story-clustering evaluation.

Every story, person's role and figure here is invented for the benchmark (the famous names are
real people, the events are not); nothing comes from the seeds. `make_story_corpus.py` turns
these facts into brief-level records as different outlets would report them.

The hard cases are built in on purpose:
- famous actors in several unrelated stories (Putin, Zelensky, Trump, von der Leyen, Peskov);
- the same pair of famous actors in two different stories (Trump and Zelensky; Trump and Putin);
- two stories in the same city on the same day (Kyiv 2025-03-14, Riga 2025-03-20,
  Moscow 2025-03-18, Odesa 2025-04-04);
- outlet boilerplate (see OUTLETS) that the generator puts in that outlet's briefs of any story;
- follow-ups: later events of a story are reported days after the first.

A story: key, city, start date, actors (name, kind, role), context sentences, and events
(day offset from the start, actors involved, headline, two descriptions worded differently).
"""

from __future__ import annotations

P, S, B, O, M = "person", "state", "government_body", "organization", "media"  # noqa: E741  (O: organization, as the other kinds)

# outlet -> (language, boilerplate sentence its briefs tend to carry, its name as an actor)
OUTLETS = {
    "lsm.lv": (
        "lv",
        "Public broadcaster LSM adds that its news is also available in Latvian, Russian and English on its website.",
        "LSM",
    ),
    "delfi.lv": (
        "lv",
        "Delfi reminds readers that tips for its editorial team can be sent through the Delfi Telegram channel.",
        "Delfi",
    ),
    "tvnet.lv": (
        "lv",
        "TVNET notes that the article is part of its partnership programme with the Media Support Fund.",
        "TVNET",
    ),
    "rbc.ru": (
        "ru",
        "RBC notes that an overview of the key events of the day is available in its morning newsletter.",
        "RBC",
    ),
    "kommersant.ru": (
        "ru",
        "Kommersant reminds readers that its subscribers receive the full text of the newspaper edition.",
        "Kommersant",
    ),
    "meduza.io": (
        "ru",
        "Meduza notes that it has been declared an undesirable organisation in Russia and asks readers to support its work.",
        "Meduza",
    ),
    "pravda.com.ua": (
        "uk",
        "Ukrainska Pravda invites readers to support its independent journalism by joining the UP Club.",
        "Ukrainska Pravda",
    ),
    "unian.ua": (
        "uk",
        "UNIAN also publishes live updates on the situation at the front on its Telegram channel.",
        "UNIAN",
    ),
    "ukrinform.ua": (
        "uk",
        "Ukrinform reminds readers that its materials may be quoted only with a hyperlink to the agency.",
        "Ukrinform",
    ),
}

PUTIN = ("Vladimir Putin", P, "President of Russia")
ZELENSKY = ("Volodymyr Zelensky", P, "President of Ukraine")
TRUMP = ("Donald Trump", P, "President of the United States")
PESKOV = ("Dmitry Peskov", P, "Kremlin spokesman")
VDL = ("Ursula von der Leyen", P, "President of the European Commission")
SILINA = ("Evika Silina", P, "Prime Minister of Latvia")
RINKEVICS = ("Edgars Rinkevics", P, "President of Latvia")
SPRUDS = ("Andris Spruds", P, "Latvian Defence Minister")
KOZLOVSKIS = ("Rihards Kozlovskis", P, "Latvian Interior Minister")
RUSSIA, UKRAINE, LATVIA, USA, EU = (
    ("Russia", S, "state"),
    ("Ukraine", S, "state"),
    ("Latvia", S, "state"),
    ("United States", S, "state"),
    ("European Union", O, "union"),
)

# (key, city, start, actors, context, events); event = (day offset, actor names, headline, description A, description B)
STORIES = [
    (
        "kyiv-power-strike",
        "Kyiv",
        "2025-03-14",
        [ZELENSKY, ("Vitali Klitschko", P, "Mayor of Kyiv"), ("Ukrenergo", O, "grid operator"), RUSSIA],
        [
            "Russia has repeatedly targeted Ukraine's energy system during the winter months.",
            "The Kyiv city administration opened heating points in several districts.",
        ],
        [
            (
                0,
                ["Russia"],
                "Russian missiles hit thermal power plant in Kyiv",
                "A Russian missile and drone attack overnight struck a thermal power plant on Kyiv's left bank, setting a turbine hall on fire.",
                "Russian forces hit a Kyiv combined heat and power plant with cruise missiles and drones, and the turbine hall caught fire.",
            ),
            (
                1,
                ["Ukrenergo", "Vitali Klitschko"],
                "Emergency power cuts across Kyiv after plant strike",
                "Ukrenergo introduced emergency power cuts in six Kyiv districts after the strike on the plant, Klitschko said.",
                "Six districts of Kyiv were left under emergency blackout schedules imposed by Ukrenergo following the attack on the power plant.",
            ),
            (
                2,
                ["Volodymyr Zelensky"],
                "Zelensky asks allies for more Patriot systems after Kyiv plant strike",
                "Zelensky urged allies to deliver more Patriot air-defence systems to protect the capital's power plants.",
                "After the attack on the Kyiv power plant, Zelensky appealed to partners for additional Patriot batteries.",
            ),
        ],
    ),
    (
        "kyiv-donor-conference",
        "Kyiv",
        "2025-03-14",
        [ZELENSKY, VDL, ("Denys Shmyhal", P, "Prime Minister of Ukraine"), ("European Commission", B, "EU executive")],
        [
            "The conference is the third international reconstruction meeting hosted in the Ukrainian capital.",
            "Reconstruction needs are estimated at hundreds of billions of euros.",
        ],
        [
            (
                0,
                ["Volodymyr Zelensky", "Ursula von der Leyen"],
                "Donors pledge 4.2 billion euros for Ukraine reconstruction in Kyiv",
                "At a reconstruction donor conference in Kyiv, international donors pledged 4.2 billion euros for rebuilding housing and schools.",
                "Donors gathered in Kyiv promised a combined EUR 4.2 billion to rebuild Ukrainian homes and schools.",
            ),
            (
                0,
                ["Ursula von der Leyen", "European Commission"],
                "Von der Leyen announces EU guarantee fund for Ukrainian rebuilding",
                "Von der Leyen announced that the European Commission will guarantee loans for Ukrainian reconstruction companies through a new fund.",
                "The European Commission will set up a loan guarantee facility for firms rebuilding Ukraine, von der Leyen told the donor conference.",
            ),
            (
                1,
                ["Denys Shmyhal"],
                "Shmyhal presents housing fund for displaced families",
                "Shmyhal presented a housing fund that will give certificates to 20,000 displaced families, financed from the pledges.",
                "Ukraine will issue housing certificates to 20,000 families of internally displaced people from the new donor money, Shmyhal said.",
            ),
        ],
    ),
    (
        "riga-warehouse-fire",
        "Riga",
        "2025-03-20",
        [
            ("State Fire and Rescue Service", B, "Latvian fire service"),
            ("Martins Ozolins", P, "fire service spokesman"),
            ("State Police", B, "Latvian police"),
        ],
        [
            "The warehouse stored plastic packaging and paint.",
            "Residents of nearby streets were advised to keep their windows closed because of the smoke.",
        ],
        [
            (
                0,
                ["State Fire and Rescue Service"],
                "Large fire engulfs warehouse in Riga's Bolderaja",
                "A fire covering 3,000 square metres broke out in a warehouse in Riga's Bolderaja district and two firefighters were injured.",
                "Firefighters battled a blaze across 3,000 square metres of a Bolderaja warehouse in Riga; two of them were hurt.",
            ),
            (
                1,
                ["Martins Ozolins"],
                "Bolderaja warehouse fire extinguished after 19 hours",
                "The warehouse fire was fully extinguished after 19 hours, fire service spokesman Martins Ozolins said.",
                "It took 19 hours to put out the Bolderaja blaze completely, according to spokesman Martins Ozolins.",
            ),
            (
                3,
                ["State Police"],
                "Police open arson case over Bolderaja warehouse fire",
                "The State Police opened a criminal case on suspected arson after finding traces of accelerant in the warehouse.",
                "Police suspect arson in the Bolderaja fire after investigators found accelerant, and a criminal case was started.",
            ),
        ],
    ),
    (
        "riga-council-vote",
        "Riga",
        "2025-03-20",
        [
            ("Vilnis Kirsis", P, "Mayor of Riga"),
            ("Riga City Council", B, "city council"),
            SILINA,
            ("Martins Stakis", P, "opposition councillor"),
        ],
        [
            "The coalition in the Riga City Council has been unstable since the autumn.",
            "The opposition accuses the mayor of mismanaging the city's transport company.",
        ],
        [
            (
                0,
                ["Vilnis Kirsis", "Riga City Council"],
                "Riga mayor Kirsis survives no-confidence vote",
                "A no-confidence motion against Riga mayor Vilnis Kirsis failed in the City Council, with 31 councillors voting against and 28 in favour.",
                "The Riga City Council rejected a motion to dismiss mayor Vilnis Kirsis by 31 votes to 28.",
            ),
            (
                1,
                ["Evika Silina"],
                "Silina says Riga needs stable leadership after council vote",
                "Prime Minister Evika Silina said Riga needs stable leadership and called on the council factions to agree on a budget.",
                "Silina commented on the failed vote, urging Riga councillors to end the infighting and pass the city budget.",
            ),
            (
                3,
                ["Martins Stakis"],
                "Riga opposition prepares new motion against mayor",
                "Opposition councillor Martins Stakis said the opposition will file a new motion against Kirsis over the transport company audit.",
                "Stakis announced that the opposition would try again to oust the mayor, citing the audit of the city transport company.",
            ),
        ],
    ),
    (
        "trump-putin-call",
        "Moscow",
        "2025-03-05",
        [TRUMP, PUTIN, PESKOV, ZELENSKY, RUSSIA, USA],
        [
            "It was the second publicly confirmed conversation between the two leaders this year.",
            "Ukraine has insisted that no deal can be made without its participation.",
        ],
        [
            (
                0,
                ["Donald Trump", "Vladimir Putin"],
                "Trump and Putin discuss energy ceasefire in two-hour call",
                "Donald Trump and Vladimir Putin spoke by phone for two hours about a halt to strikes on energy infrastructure.",
                "Trump and Putin held a two-hour telephone conversation focused on a pause in attacks on power plants and grids.",
            ),
            (
                1,
                ["Dmitry Peskov"],
                "Kremlin says 30-day pause on energy strikes agreed",
                "Peskov said the leaders agreed on a 30-day moratorium on strikes against energy facilities.",
                "According to Peskov, Moscow and Washington agreed that energy facilities would not be attacked for 30 days.",
            ),
            (
                1,
                ["Volodymyr Zelensky"],
                "Zelensky says Ukraine will check Russia's energy truce",
                "Zelensky said Ukraine would support the energy moratorium but would verify whether Russia actually stops its strikes.",
                "Ukraine is ready to observe the energy pause if Russia does, Zelensky said, adding that Kyiv would monitor compliance.",
            ),
            (
                6,
                ["Russia", "Volodymyr Zelensky"],
                "Ukraine accuses Russia of breaking energy moratorium",
                "Ukraine accused Russia of violating the 30-day energy moratorium with a drone strike on a substation in Sumy region.",
                "Kyiv said a Russian drone hit a Sumy region substation, breaching the energy strike moratorium agreed a week earlier.",
            ),
        ],
    ),
    (
        "oil-fleet-sanctions",
        "Washington",
        "2025-04-10",
        [
            TRUMP,
            ("Scott Bessent", P, "US Treasury Secretary"),
            PUTIN,
            ("US Treasury", B, "US finance ministry"),
            RUSSIA,
        ],
        [
            "Russian oil revenues fund a large share of the federal budget.",
            "Brent crude rose after the announcement.",
        ],
        [
            (
                0,
                ["US Treasury", "Scott Bessent"],
                "US sanctions 60 tankers of Russia's shadow fleet",
                "The US Treasury imposed sanctions on 60 tankers and two trading firms that ship Russian oil above the price cap, Bessent announced.",
                "Washington blacklisted 60 vessels of Russia's shadow fleet and two oil traders for breaking the price cap, the Treasury said.",
            ),
            (
                0,
                ["Donald Trump"],
                "Trump says tanker sanctions will push Moscow to negotiate",
                "Trump said the sanctions on the tankers would push Moscow to negotiate seriously.",
                "The tanker measures are meant to bring Russia to the negotiating table, Trump told reporters.",
            ),
            (
                2,
                ["Vladimir Putin"],
                "Putin calls US tanker sanctions illegal",
                "Putin called the tanker sanctions illegal and said Russian oil exports would find other routes.",
                "Speaking in the Kremlin, Putin described the US measures against the tankers as unlawful and said exports would be rerouted.",
            ),
        ],
    ),
    (
        "paris-peacekeeping-summit",
        "Paris",
        "2025-03-27",
        [
            ("Emmanuel Macron", P, "President of France"),
            ("Keir Starmer", P, "Prime Minister of the United Kingdom"),
            ZELENSKY,
            PUTIN,
        ],
        [
            "Around 30 countries took part in the meeting of the so-called coalition of the willing.",
            "Moscow has repeatedly rejected the idea of European troops in Ukraine.",
        ],
        [
            (
                0,
                ["Emmanuel Macron", "Keir Starmer", "Volodymyr Zelensky"],
                "Macron hosts coalition of the willing on Ukraine security force",
                "Macron hosted leaders of about 30 countries in Paris to plan a European reassurance force for Ukraine after a ceasefire.",
                "In Paris, Macron and Starmer gathered some 30 leaders to discuss sending a reassurance force to Ukraine once the fighting stops.",
            ),
            (
                0,
                ["Emmanuel Macron"],
                "France and Britain to lead Ukraine reassurance force",
                "Macron said France and Britain would lead the reassurance force and send a joint military mission to Kyiv.",
                "A joint Franco-British military team will travel to Kyiv to prepare the future force, Macron announced.",
            ),
            (
                1,
                ["Vladimir Putin"],
                "Putin rejects European troops in Ukraine",
                "Putin said any European troops in Ukraine would be a legitimate target for Russia.",
                "European soldiers deployed to Ukraine would be considered legitimate targets, Putin warned.",
            ),
        ],
    ),
    (
        "istanbul-prisoner-swap",
        "Istanbul",
        "2025-04-02",
        [
            ZELENSKY,
            ("Recep Tayyip Erdogan", P, "President of Turkey"),
            ("Rustem Umerov", P, "Ukrainian Defence Minister"),
            RUSSIA,
            UKRAINE,
        ],
        [
            "It was the largest exchange since the summer.",
            "The Coordination Headquarters for the Treatment of Prisoners of War took part in the preparations.",
        ],
        [
            (
                0,
                ["Russia", "Ukraine", "Recep Tayyip Erdogan"],
                "Russia and Ukraine swap 175 prisoners each with Turkish mediation",
                "Russia and Ukraine exchanged 175 prisoners of war each in an exchange mediated by Turkey.",
                "With Turkish mediation, 175 Ukrainian and 175 Russian prisoners of war were exchanged.",
            ),
            (
                0,
                ["Volodymyr Zelensky"],
                "Zelensky thanks Erdogan after prisoner exchange",
                "Zelensky thanked Erdogan for his mediation and said 22 of the freed Ukrainians were defenders of Mariupol.",
                "Among the 175 returned Ukrainians were 22 Mariupol defenders, Zelensky said, thanking the Turkish president.",
            ),
            (
                2,
                ["Rustem Umerov"],
                "Umerov says next exchange being prepared in Istanbul",
                "Umerov said a new round of talks in Istanbul was preparing the next exchange of 300 prisoners.",
                "Talks in Istanbul are under way on another swap of 300 prisoners, Umerov said.",
            ),
        ],
    ),
    (
        "latvia-border-migrants",
        "Daugavpils",
        "2025-03-10",
        [KOZLOVSKIS, ("State Border Guard", B, "Latvian border guard"), ("Belarus", S, "state"), LATVIA],
        [
            "Latvia has accused Belarus of using migrants to put pressure on the European Union.",
            "A fence has been built along most of the Latvian–Belarusian border.",
        ],
        [
            (
                0,
                ["State Border Guard", "Belarus"],
                "Latvian border guards stop 140 migrants from Belarus in one day",
                "The State Border Guard prevented 140 attempts to cross the border from Belarus in a single day near Daugavpils.",
                "Near Daugavpils, Latvian border guards stopped 140 people trying to enter from Belarus within 24 hours.",
            ),
            (
                1,
                ["Rihards Kozlovskis"],
                "Kozlovskis proposes closing two more border crossings",
                "Interior Minister Rihards Kozlovskis proposed closing the Silene and Paternieki border crossings with Belarus.",
                "Kozlovskis wants to shut the Silene and Paternieki checkpoints on the Belarusian border.",
            ),
            (
                5,
                ["Rihards Kozlovskis", "Latvia"],
                "Latvian government closes Silene crossing",
                "The Latvian government decided to close the Silene crossing from 1 April, Kozlovskis announced.",
                "From April the Silene checkpoint on the border with Belarus will be closed, the cabinet decided.",
            ),
        ],
    ),
    (
        "latvia-defence-budget",
        "Riga",
        "2025-03-25",
        [SILINA, SPRUDS, RINKEVICS, LATVIA],
        [
            "Latvia currently spends about 3.5 percent of GDP on defence.",
            "NATO members are discussing a new spending target.",
        ],
        [
            (
                0,
                ["Evika Silina", "Andris Spruds"],
                "Latvia to raise defence spending to 5 percent of GDP",
                "The Latvian government agreed to raise defence spending to 5 percent of GDP in 2026, Silina and Spruds announced.",
                "Silina's cabinet decided that Latvia will spend 5 percent of its GDP on defence from 2026.",
            ),
            (
                0,
                ["Andris Spruds"],
                "Spruds: extra money will go to air defence and ammunition",
                "Spruds said most of the additional money would go to air defence and ammunition stocks.",
                "According to Spruds, air-defence systems and ammunition will take the bulk of the extra defence funds.",
            ),
            (
                2,
                ["Edgars Rinkevics"],
                "Rinkevics backs 5 percent defence target",
                "President Rinkevics backed the 5 percent target but asked the government to explain how it will be financed.",
                "Rinkevics supported the new defence target and called on the cabinet to show where the money will come from.",
            ),
        ],
    ),
    (
        "daugavpils-bridge",
        "Daugavpils",
        "2025-04-07",
        [
            ("Daugavpils City Council", B, "city council"),
            ("Andrejs Elksnins", P, "Mayor of Daugavpils"),
            ("Latvian State Roads", O, "road agency"),
        ],
        [
            "The bridge was built in the 1970s.",
            "Public transport routes were changed while the bridge is closed.",
        ],
        [
            (
                0,
                ["Daugavpils City Council"],
                "Daugavpils closes bridge over the Daugava after cracks found",
                "Daugavpils closed its main bridge over the Daugava to traffic after inspectors found cracks in two supports.",
                "Cracks in two supports forced Daugavpils to shut the main Daugava bridge to vehicles.",
            ),
            (
                1,
                ["Andrejs Elksnins"],
                "Daugavpils mayor asks for state money to repair bridge",
                "Mayor Andrejs Elksnins asked the government for 12 million euros to repair the bridge.",
                "Elksnins said the city needs 12 million euros from the state to fix the Daugava bridge.",
            ),
            (
                8,
                ["Latvian State Roads"],
                "Daugava bridge in Daugavpils to stay closed until autumn",
                "Latvian State Roads said the bridge in Daugavpils would remain closed until October while the supports are rebuilt.",
                "Repairs of the Daugavpils bridge supports will keep it closed until October, the road agency said.",
            ),
        ],
    ),
    (
        "moscow-journalist-sentence",
        "Moscow",
        "2025-03-18",
        [("Anna Belova", P, "journalist"), ("Moscow City Court", B, "court"), PESKOV, ("Meduza", M, "media outlet")],
        [
            "Dozens of journalists have been prosecuted under the law on 'fakes' about the army.",
            "Belova had worked with several independent outlets, including Meduza.",
        ],
        [
            (
                0,
                ["Anna Belova", "Moscow City Court"],
                "Moscow court jails journalist Belova for six years",
                "A Moscow court sentenced journalist Anna Belova to six years in prison for spreading 'fakes' about the Russian army.",
                "Journalist Anna Belova received a six-year prison term in Moscow on charges of disseminating 'fakes' about the armed forces.",
            ),
            (
                0,
                ["Anna Belova"],
                "Belova says in court she will not recant",
                "In her final statement Belova said she would not renounce her reporting on the bombing of Mariupol.",
                "Belova told the court she stands by her reports on Mariupol.",
            ),
            (
                1,
                ["Dmitry Peskov"],
                "Kremlin declines to comment on Belova verdict",
                "Peskov declined to comment on the verdict, saying it was a matter for the court.",
                "Asked about the Belova case, Peskov said the Kremlin does not comment on court decisions.",
            ),
        ],
    ),
    (
        "moscow-metro-fire",
        "Moscow",
        "2025-03-18",
        [
            ("Moscow Metro", O, "transport operator"),
            ("Sergei Sobyanin", P, "Mayor of Moscow"),
            ("Investigative Committee", B, "investigators"),
        ],
        [
            "The Big Circle Line is the newest line of the Moscow Metro.",
            "Trains on the line ran at longer intervals during the day.",
        ],
        [
            (
                0,
                ["Moscow Metro"],
                "Fire in Moscow metro tunnel injures 12",
                "A cable fire in a tunnel of the Big Circle Line of the Moscow metro injured 12 passengers, who were treated for smoke inhalation.",
                "Twelve passengers were hurt by smoke when cables caught fire in a Big Circle Line tunnel in Moscow.",
            ),
            (
                0,
                ["Sergei Sobyanin"],
                "Sobyanin says metro fire passengers evacuated",
                "Sobyanin said more than 400 passengers were evacuated from the train and the section was closed.",
                "Over 400 people were led out of the tunnel after the fire, Sobyanin said.",
            ),
            (
                2,
                ["Investigative Committee"],
                "Investigators open case over metro cable fire",
                "The Investigative Committee opened a criminal case on violation of safety rules after the metro cable fire.",
                "A criminal case over breached safety rules was opened after the Big Circle Line fire, investigators said.",
            ),
        ],
    ),
    (
        "odesa-port-drones",
        "Odesa",
        "2025-04-04",
        [("Oleh Kiper", P, "Governor of Odesa region"), ("Ukrainian Navy", B, "navy"), RUSSIA],
        [
            "Odesa's ports handle most of Ukraine's grain exports.",
            "Russia has attacked the port infrastructure of Odesa region many times.",
        ],
        [
            (
                0,
                ["Russia", "Oleh Kiper"],
                "Drones hit Odesa grain terminal and Panama-flagged ship",
                "Russian drones struck a grain terminal in the port of Odesa and damaged a Panama-flagged bulk carrier, Kiper said.",
                "A Panama-flagged cargo ship and a grain terminal in Odesa port were damaged in a Russian drone attack, governor Kiper reported.",
            ),
            (
                0,
                ["Ukrainian Navy"],
                "Navy says 30 drones launched at Odesa port",
                "The Ukrainian Navy said Russia launched 30 attack drones at Odesa's port and 24 were shot down.",
                "Of 30 Shahed drones aimed at the Odesa port, 24 were downed, the navy said.",
            ),
            (
                1,
                ["Oleh Kiper"],
                "Odesa grain terminal resumes loading after drone attack",
                "Kiper said the grain terminal resumed loading ships a day after the attack.",
                "Loading at the damaged Odesa grain terminal restarted the next day, according to Kiper.",
            ),
        ],
    ),
    (
        "odesa-street-renaming",
        "Odesa",
        "2025-04-04",
        [
            ("Odesa City Military Administration", B, "city administration"),
            ("Ukrainian Institute of National Memory", B, "memory institute"),
            ("Serhiy Lysak", P, "head of Odesa city military administration"),
        ],
        [
            "The renaming follows the law on decolonisation of toponymy.",
            "Some residents have protested against removing the names of writers.",
        ],
        [
            (
                0,
                ["Odesa City Military Administration", "Serhiy Lysak"],
                "Odesa renames 48 streets linked to Russian imperial past",
                "The Odesa city military administration renamed 48 streets and squares that honoured figures of the Russian Empire and the Soviet Union, Lysak announced.",
                "Lysak signed an order renaming 48 Odesa streets named after Russian imperial and Soviet figures.",
            ),
            (
                0,
                ["Ukrainian Institute of National Memory"],
                "National Memory Institute welcomes Odesa renaming",
                "The Ukrainian Institute of National Memory said the Odesa decision complies with the decolonisation law.",
                "The renaming in Odesa meets the requirements of the decolonisation law, the memory institute said.",
            ),
            (
                3,
                ["Serhiy Lysak"],
                "Lysak says Pushkin street name to be decided by residents",
                "Lysak said the future name of Pushkinska street would be chosen in an online vote of residents.",
                "Odesa residents will vote online on a new name for Pushkinska street, Lysak said.",
            ),
        ],
    ),
    (
        "kharkiv-underground-school",
        "Kharkiv",
        "2025-03-03",
        [("Ihor Terekhov", P, "Mayor of Kharkiv"), ("Oksen Lisovyi", P, "Ukrainian Education Minister")],
        [
            "Most schools in Kharkiv have taught online since 2022 because of shelling.",
            "The school is built seven metres underground.",
        ],
        [
            (
                0,
                ["Ihor Terekhov"],
                "Kharkiv opens third underground school",
                "Kharkiv opened its third underground school, where 900 pupils will study in two shifts, mayor Ihor Terekhov said.",
                "A third school built underground opened in Kharkiv for 900 children taught in two shifts, Terekhov said.",
            ),
            (
                0,
                ["Oksen Lisovyi"],
                "Education minister promises funds for more underground schools",
                "Education minister Oksen Lisovyi promised state funds for ten more underground schools in frontline regions.",
                "Lisovyi said the state will pay for ten new underground schools near the front line.",
            ),
            (
                9,
                ["Ihor Terekhov"],
                "Kharkiv starts building fourth underground school",
                "Construction of a fourth underground school began in Kharkiv's Saltivka district, Terekhov said.",
                "Terekhov announced work on a fourth underground school in Saltivka.",
            ),
        ],
    ),
    (
        "baltic-cable-damage",
        "Ventspils",
        "2025-03-12",
        [
            ("Latvian Navy", B, "navy"),
            ("Swedish Police", B, "police"),
            ("NATO", O, "alliance"),
            SPRUDS,
            ("Nordic Pearl", O, "bulk carrier"),
        ],
        [
            "Several Baltic Sea cables have been damaged in the past year.",
            "NATO has increased patrols under its Baltic Sentry mission.",
        ],
        [
            (
                0,
                ["Latvian Navy"],
                "Undersea cable between Ventspils and Gotland damaged",
                "A fibre-optic cable between Ventspils and the Swedish island of Gotland was damaged on the sea floor, the Latvian Navy said.",
                "The data cable linking Ventspils with Gotland was found damaged, according to the Latvian Navy.",
            ),
            (
                1,
                ["Swedish Police", "Nordic Pearl"],
                "Sweden detains bulk carrier Nordic Pearl over cable damage",
                "Swedish police detained the bulk carrier Nordic Pearl, which had sailed over the cable with its anchor dragging.",
                "The Nordic Pearl, a bulk carrier suspected of dragging its anchor over the cable, was detained by Swedish police.",
            ),
            (
                5,
                ["Andris Spruds", "NATO"],
                "Spruds asks NATO for more Baltic Sentry ships",
                "Spruds asked NATO to send more ships to the Baltic Sentry mission after the cable damage.",
                "After the Gotland cable incident, Spruds requested additional NATO vessels for Baltic Sentry.",
            ),
        ],
    ),
    (
        "eu-sanctions-package",
        "Brussels",
        "2025-03-24",
        [
            VDL,
            ("Kaja Kallas", P, "EU foreign policy chief"),
            ("Viktor Orban", P, "Prime Minister of Hungary"),
            EU,
            RUSSIA,
        ],
        [
            "The package needs the unanimous approval of all member states.",
            "Previous packages targeted Russian banks and energy exports.",
        ],
        [
            (
                0,
                ["Ursula von der Leyen", "Kaja Kallas"],
                "EU proposes 17th sanctions package targeting Russian LNG",
                "The European Commission proposed a 17th sanctions package including a ban on Russian liquefied natural gas transhipment, von der Leyen said.",
                "Von der Leyen and Kallas presented the 17th package of sanctions, which bans transhipment of Russian LNG in EU ports.",
            ),
            (
                2,
                ["Viktor Orban"],
                "Orban threatens to veto new Russia sanctions",
                "Orban said Hungary would veto the package unless three Hungarian businessmen were removed from the sanctions list.",
                "Hungary will block the 17th package unless its businessmen are delisted, Orban warned.",
            ),
            (
                6,
                ["European Union", "Kaja Kallas"],
                "EU adopts 17th sanctions package after Hungary deal",
                "EU ambassadors adopted the 17th sanctions package after two Hungarian businessmen were removed from the list, Kallas said.",
                "The 17th package was approved once two names were dropped at Hungary's request, Kallas announced.",
            ),
        ],
    ),
    (
        "russia-key-rate",
        "Moscow",
        "2025-03-21",
        [("Elvira Nabiullina", P, "Governor of the Bank of Russia"), ("Bank of Russia", B, "central bank"), RUSSIA],
        [
            "Inflation in Russia remains close to 10 percent a year.",
            "Businesses have complained about the high cost of credit.",
        ],
        [
            (
                0,
                ["Bank of Russia"],
                "Bank of Russia keeps key rate at 21 percent",
                "The Bank of Russia kept its key interest rate at 21 percent for the third meeting in a row.",
                "Russia's central bank left the key rate unchanged at 21% for a third consecutive time.",
            ),
            (
                0,
                ["Elvira Nabiullina"],
                "Nabiullina signals rate cuts possible in summer",
                "Nabiullina said a cut could be discussed in the summer if inflation keeps slowing.",
                "Rates may come down in summer if price growth slows further, Nabiullina told a press conference.",
            ),
            (
                3,
                ["Bank of Russia"],
                "Ruble strengthens to 82 per dollar after rate decision",
                "The ruble strengthened to 82 per dollar, its strongest level since the summer, after the rate decision.",
                "Following the central bank's decision the ruble firmed to 82 against the dollar.",
            ),
        ],
    ),
    (
        "russia-wheat-quota",
        "Moscow",
        "2025-04-15",
        [("Oksana Lut", P, "Russian Agriculture Minister"), ("Russian Ministry of Agriculture", B, "ministry"), RUSSIA],
        [
            "Russia is the world's largest wheat exporter.",
            "Farmers' groups have criticised the export duty.",
        ],
        [
            (
                0,
                ["Russian Ministry of Agriculture"],
                "Russia sets wheat export quota of 10.6 million tonnes",
                "The Russian agriculture ministry set a grain export quota of 10.6 million tonnes for the second half of the season.",
                "Russia will limit grain exports to 10.6 million tonnes until June under a new quota, the ministry said.",
            ),
            (
                1,
                ["Oksana Lut"],
                "Lut says wheat quota protects domestic bread prices",
                "Lut said the quota would keep domestic bread prices stable.",
                "The wheat quota is needed to stop bread prices rising at home, minister Lut said.",
            ),
            (
                7,
                ["Russian Ministry of Agriculture"],
                "Wheat export prices rise after Russian quota",
                "Russian wheat export prices rose to 250 dollars a tonne after the quota was introduced.",
                "After the quota the price of Russian wheat for export climbed to $250 per tonne.",
            ),
        ],
    ),
    (
        "rada-demobilisation-law",
        "Kyiv",
        "2025-04-08",
        [("Ruslan Stefanchuk", P, "Speaker of the Verkhovna Rada"), ("Verkhovna Rada", B, "parliament"), ZELENSKY],
        [
            "Soldiers' families have long demanded clear terms of service.",
            "The General Staff warned about the effect on manning of units.",
        ],
        [
            (
                0,
                ["Verkhovna Rada"],
                "Rada passes law on discharge after 36 months of service",
                "The Verkhovna Rada passed a law allowing soldiers to be discharged after 36 months of service, with 256 votes.",
                "With 256 votes the Ukrainian parliament adopted rules letting troops leave the army after 36 months.",
            ),
            (
                1,
                ["Ruslan Stefanchuk"],
                "Stefanchuk signs demobilisation law",
                "Speaker Ruslan Stefanchuk signed the law and sent it to the president.",
                "Stefanchuk put his signature on the service-term law and forwarded it to the president.",
            ),
            (
                6,
                ["Volodymyr Zelensky"],
                "Zelensky signs law on 36-month service limit",
                "Zelensky signed the law on discharge after 36 months; it takes effect in June.",
                "The 36-month service limit became law when Zelensky signed it; it applies from June.",
            ),
        ],
    ),
    (
        "minerals-deal",
        "Washington",
        "2025-04-28",
        [
            TRUMP,
            ZELENSKY,
            ("Yulia Svyrydenko", P, "Ukrainian Economy Minister"),
            ("Scott Bessent", P, "US Treasury Secretary"),
            UKRAINE,
            USA,
        ],
        [
            "Talks on the agreement lasted more than two months.",
            "Ukraine holds deposits of lithium, titanium and graphite.",
        ],
        [
            (
                0,
                ["Yulia Svyrydenko", "Scott Bessent"],
                "Ukraine and US sign minerals agreement and joint fund",
                "Svyrydenko and Bessent signed an agreement creating a joint US–Ukrainian investment fund for mineral resources.",
                "Ukraine and the United States signed a deal on a joint fund for investing in Ukrainian minerals, Svyrydenko and Bessent put their names to it.",
            ),
            (
                1,
                ["Donald Trump"],
                "Trump says minerals deal pays back US aid",
                "Trump said the minerals deal means the United States will get back more than it gave Ukraine.",
                "The minerals agreement will return America's money, Trump claimed.",
            ),
            (
                2,
                ["Volodymyr Zelensky"],
                "Zelensky: minerals deal is equal partnership",
                "Zelensky said the deal was an equal partnership and that Ukraine keeps ownership of its resources.",
                "Ukraine retains its subsoil and the deal is a partnership of equals, Zelensky said.",
            ),
        ],
    ),
    (
        "trump-zelensky-weapons-call",
        "Kyiv",
        "2025-03-19",
        [TRUMP, ZELENSKY, ("Andriy Yermak", P, "head of Ukraine's presidential office")],
        [
            "Weapons deliveries were briefly paused earlier in the month.",
            "Ukraine needs interceptor missiles for its air defence.",
        ],
        [
            (
                0,
                ["Donald Trump", "Volodymyr Zelensky"],
                "Trump and Zelensky discuss air defence in phone call",
                "Trump and Zelensky spoke by phone about air defence, and Trump promised to look for more Patriot interceptors in Europe.",
                "In a phone conversation Trump told Zelensky he would help find additional Patriot missiles in Europe.",
            ),
            (
                0,
                ["Volodymyr Zelensky"],
                "Zelensky calls talk with Trump frank and positive",
                "Zelensky called the conversation frank and very positive.",
                "The conversation with Trump was positive and frank, Zelensky wrote.",
            ),
            (
                2,
                ["Andriy Yermak"],
                "Yermak says Ukrainian team to go to Washington on air defence",
                "Yermak said a Ukrainian military delegation would travel to Washington to agree on interceptor deliveries.",
                "A Ukrainian team will go to Washington to settle deliveries of interceptors, Yermak said.",
            ),
        ],
    ),
    (
        "latvia-russian-citizens-test",
        "Riga",
        "2025-03-28",
        [("Office of Citizenship and Migration Affairs", B, "migration office"), KOZLOVSKIS, PESKOV, LATVIA, RUSSIA],
        [
            "Russian citizens living in Latvia had to pass a basic Latvian language test to keep their residence permits.",
            "Moscow has accused Riga of discriminating against Russian speakers.",
        ],
        [
            (
                0,
                ["Office of Citizenship and Migration Affairs"],
                "1,200 Russian citizens must leave Latvia after failing language test",
                "The Office of Citizenship and Migration Affairs said 1,200 Russian citizens who failed the language test must leave Latvia by the end of June.",
                "About 1,200 Russian nationals who did not pass the Latvian language exam were ordered to leave the country by late June.",
            ),
            (
                1,
                ["Rihards Kozlovskis"],
                "Kozlovskis: no exceptions for those who failed test",
                "Kozlovskis said there would be no exceptions except for people with serious illnesses.",
                "Only those who are seriously ill will be exempt, interior minister Kozlovskis said.",
            ),
            (
                2,
                ["Dmitry Peskov"],
                "Kremlin calls Latvian expulsions discrimination",
                "Peskov called the expulsions discrimination against Russians and said Moscow would help those who move to Russia.",
                "The Kremlin, through Peskov, condemned the deportations as discrimination and promised help to the returning citizens.",
            ),
        ],
    ),
    (
        "rail-baltica-delay",
        "Riga",
        "2025-04-03",
        [
            ("Kaspars Briskens", P, "Latvian Transport Minister"),
            ("Rail Baltica", O, "railway project"),
            ("European Court of Auditors", B, "EU auditor"),
        ],
        [
            "Rail Baltica is meant to connect the Baltic states to the European rail network.",
            "The project's cost estimate has risen several times.",
        ],
        [
            (
                0,
                ["Kaspars Briskens", "Rail Baltica"],
                "Rail Baltica main line in Latvia delayed to 2030",
                "Transport minister Kaspars Briskens said the Rail Baltica main line in Latvia would not be ready before 2030.",
                "Briskens admitted that the Latvian section of Rail Baltica will be finished no earlier than 2030.",
            ),
            (
                0,
                ["Rail Baltica"],
                "Riga Central station works to be split into two stages",
                "The works at Riga Central station will be split into two stages to save 150 million euros.",
                "To cut costs by EUR 150 million, the Riga Central station project will be built in two phases.",
            ),
            (
                4,
                ["European Court of Auditors"],
                "EU auditors criticise Rail Baltica planning",
                "The European Court of Auditors said Rail Baltica lacked a realistic timetable and cost plan.",
                "Poor planning of timelines and costs at Rail Baltica was criticised by the EU Court of Auditors.",
            ),
        ],
    ),
    (
        "transnistria-gas",
        "Chisinau",
        "2025-03-06",
        [
            ("Maia Sandu", P, "President of Moldova"),
            ("Gazprom", O, "gas company"),
            ("Vadim Krasnoselsky", P, "Transnistrian leader"),
            RUSSIA,
        ],
        [
            "Transnistria lost Russian gas supplies at the start of the year.",
            "Residents of the region have lived with rolling blackouts.",
        ],
        [
            (
                0,
                ["Vadim Krasnoselsky"],
                "Transnistria receives first gas via Hungarian company",
                "Transnistria received its first gas supplies through a Hungarian intermediary financed by a Russian loan, Krasnoselsky said.",
                "The first gas from a Hungarian company paid for with Russian credit reached Transnistria, Krasnoselsky announced.",
            ),
            (
                1,
                ["Maia Sandu"],
                "Sandu says Moscow uses Transnistria gas to blackmail Moldova",
                "Sandu said Moscow was using the gas supplies to blackmail Moldova ahead of the elections.",
                "Moldova's president accused Russia of gas blackmail through Transnistria before the vote.",
            ),
            (
                4,
                ["Gazprom"],
                "Gazprom denies involvement in Transnistria supplies",
                "Gazprom said it had no contract for supplies to Transnistria.",
                "There is no Gazprom contract for Transnistria gas, the company said.",
            ),
        ],
    ),
    (
        "tbilisi-protests",
        "Tbilisi",
        "2025-04-12",
        [
            ("Irakli Kobakhidze", P, "Prime Minister of Georgia"),
            ("Salome Zourabichvili", P, "former President of Georgia"),
            ("Georgian Dream", O, "ruling party"),
        ],
        [
            "Protests have continued daily since the government paused EU accession talks.",
            "Dozens of protesters have been detained.",
        ],
        [
            (
                0,
                ["Salome Zourabichvili"],
                "Tens of thousands march in Tbilisi on 135th day of protests",
                "Tens of thousands of people marched along Rustaveli Avenue in Tbilisi on the 135th day of protests, led by Salome Zourabichvili.",
                "On the 135th day of demonstrations, a crowd of tens of thousands walked down Rustaveli Avenue with Zourabichvili at the front.",
            ),
            (
                1,
                ["Irakli Kobakhidze", "Georgian Dream"],
                "Kobakhidze says protests are financed from abroad",
                "Kobakhidze said the protests were financed by foreign-funded NGOs and promised new laws on grants.",
                "Georgian Dream will tighten rules on foreign grants, Kobakhidze said, claiming the protests are paid for from abroad.",
            ),
            (
                4,
                ["Georgian Dream"],
                "Georgian parliament passes foreign grants law",
                "The Georgian parliament passed a law requiring government approval for foreign grants.",
                "A law making foreign grants subject to government approval was adopted by Georgian lawmakers.",
            ),
        ],
    ),
    (
        "armenia-azerbaijan-treaty",
        "Yerevan",
        "2025-03-13",
        [
            ("Nikol Pashinyan", P, "Prime Minister of Armenia"),
            ("Jeyhun Bayramov", P, "Azerbaijani Foreign Minister"),
            ("Ararat Mirzoyan", P, "Armenian Foreign Minister"),
        ],
        [
            "The two countries have negotiated a peace treaty for several years.",
            "Azerbaijan demands changes to Armenia's constitution before signing.",
        ],
        [
            (
                0,
                ["Ararat Mirzoyan", "Jeyhun Bayramov"],
                "Armenia and Azerbaijan finish text of peace treaty",
                "Armenia and Azerbaijan completed negotiations on the text of a peace treaty, the foreign ministers Mirzoyan and Bayramov said.",
                "The foreign ministries of Armenia and Azerbaijan announced that the wording of the peace agreement had been agreed.",
            ),
            (
                1,
                ["Nikol Pashinyan"],
                "Pashinyan ready to sign peace treaty anywhere",
                "Pashinyan said Armenia was ready to sign the treaty at any time and place.",
                "Yerevan is prepared to sign the agreement whenever and wherever Baku chooses, Pashinyan said.",
            ),
            (
                3,
                ["Jeyhun Bayramov"],
                "Baku insists on Armenian constitution change before signing",
                "Bayramov said Azerbaijan would sign only after Armenia removes territorial claims from its constitution.",
                "The treaty can only be signed once Armenia changes its constitution, Bayramov insisted.",
            ),
        ],
    ),
    (
        "zaporizhzhia-npp-line",
        "Enerhodar",
        "2025-04-18",
        [
            ("Rafael Grossi", P, "Director General of the IAEA"),
            ("IAEA", O, "nuclear watchdog"),
            ("Rosatom", O, "nuclear company"),
            ("Zaporizhzhia Nuclear Power Plant", O, "power plant"),
        ],
        [
            "The plant has been occupied by Russian forces since 2022.",
            "All six reactors are in cold shutdown.",
        ],
        [
            (
                0,
                ["IAEA", "Zaporizhzhia Nuclear Power Plant"],
                "Zaporizhzhia nuclear plant loses last external power line",
                "The Zaporizhzhia nuclear power plant lost its last external power line and switched to diesel generators, the IAEA said.",
                "Diesel generators started at the Zaporizhzhia plant after its only remaining outside power line was cut, according to the IAEA.",
            ),
            (
                1,
                ["Rafael Grossi"],
                "Grossi calls Zaporizhzhia blackout dangerous",
                "Grossi called the situation dangerous and asked both sides to allow repairs of the power line.",
                "Grossi warned of a dangerous situation and urged Russia and Ukraine to let engineers repair the line.",
            ),
            (
                3,
                ["Rosatom"],
                "Power restored at Zaporizhzhia plant after repairs",
                "Rosatom said external power was restored after repair crews fixed the line.",
                "The line feeding the Zaporizhzhia plant was repaired and outside power returned, Rosatom said.",
            ),
        ],
    ),
    (
        "lukashenko-pardon",
        "Minsk",
        "2025-04-22",
        [
            ("Alexander Lukashenko", P, "leader of Belarus"),
            ("Sviatlana Tsikhanouskaya", P, "Belarusian opposition leader"),
            ("Keith Kellogg", P, "US special envoy"),
        ],
        [
            "Human rights groups count more than 1,100 political prisoners in Belarus.",
            "It is the latest in a series of pardons since last summer.",
        ],
        [
            (
                0,
                ["Alexander Lukashenko"],
                "Lukashenko pardons 16 political prisoners",
                "Lukashenko pardoned 16 people convicted of 'extremism', including two journalists.",
                "Sixteen prisoners jailed for 'extremism', two of them journalists, were pardoned by Lukashenko.",
            ),
            (
                1,
                ["Keith Kellogg"],
                "US envoy Kellogg welcomes Belarus prisoner release",
                "US envoy Keith Kellogg welcomed the release and said talks with Minsk would continue.",
                "Kellogg praised the pardons and said Washington would keep talking to Minsk.",
            ),
            (
                2,
                ["Sviatlana Tsikhanouskaya"],
                "Tsikhanouskaya: pardons do not change repression in Belarus",
                "Tsikhanouskaya said the pardons did not change the scale of repression and new arrests continue.",
                "The releases do not end repression, Tsikhanouskaya said, pointing to new arrests.",
            ),
        ],
    ),
    (
        "rezekne-drone-crash",
        "Rezekne",
        "2025-04-17",
        [RINKEVICS, SPRUDS, ("National Armed Forces", B, "Latvian army"), RUSSIA, ("NATO", O, "alliance")],
        [
            "Drones have entered Latvian airspace from Belarus several times.",
            "Latvia is buying counter-drone systems.",
        ],
        [
            (
                0,
                ["National Armed Forces"],
                "Military drone crashes near Rezekne",
                "A military drone crashed in a field near Rezekne, and the National Armed Forces said it had entered from Belarus.",
                "The National Armed Forces reported that a drone that flew in from Belarus fell in a field outside Rezekne.",
            ),
            (
                1,
                ["Andris Spruds", "Russia"],
                "Spruds says Rezekne drone was Russian Gerbera",
                "Spruds said the drone was a Russian Gerbera decoy drone and that Latvia had informed NATO.",
                "The aircraft that crashed near Rezekne was a Russian Gerbera drone, Spruds said, adding that NATO had been informed.",
            ),
            (
                2,
                ["Edgars Rinkevics", "NATO"],
                "Rinkevics calls for NATO air defence on eastern border",
                "Rinkevics called for a NATO air-defence mission on the alliance's eastern border after the Rezekne crash.",
                "After the crash near Rezekne, Rinkevics urged NATO to deploy air defence along its eastern flank.",
            ),
        ],
    ),
    (
        "kherson-evacuation",
        "Kherson",
        "2025-03-31",
        [("Oleksandr Prokudin", P, "Governor of Kherson region"), ZELENSKY, RUSSIA],
        [
            "Russian forces on the left bank of the Dnipro shell Kherson daily.",
            "About 60,000 people still live in the city.",
        ],
        [
            (
                0,
                ["Oleksandr Prokudin"],
                "Forced evacuation of children ordered in 11 Kherson villages",
                "Prokudin ordered the forced evacuation of families with children from 11 villages along the Dnipro because of shelling.",
                "Families with children must leave 11 riverside villages in Kherson region, governor Prokudin ordered, citing constant shelling.",
            ),
            (
                1,
                ["Russia"],
                "Russian drone attacks on Kherson civilians continue",
                "Russian drones attacked civilians in Kherson's Korabelnyi district, wounding four people.",
                "Four people were injured when Russian drones targeted residents of Korabelnyi district.",
            ),
            (
                4,
                ["Oleksandr Prokudin"],
                "Over 200 children evacuated from Kherson villages",
                "More than 200 children have been evacuated from the villages so far, Prokudin said.",
                "Prokudin said over 200 children had already been taken out of the riverside villages.",
            ),
        ],
    ),
    (
        "finnish-border-russia",
        "Helsinki",
        "2025-04-24",
        [
            ("Alexander Stubb", P, "President of Finland"),
            ("Petteri Orpo", P, "Prime Minister of Finland"),
            PESKOV,
            RUSSIA,
        ],
        [
            "Finland closed its land border with Russia in late 2023.",
            "Satellite images show new Russian military barracks near the border.",
        ],
        [
            (
                0,
                ["Petteri Orpo"],
                "Finland extends closure of Russian border indefinitely",
                "The Finnish government decided to keep the land border with Russia closed indefinitely, Orpo announced.",
                "Orpo said Finland's border crossings with Russia would remain shut with no end date.",
            ),
            (
                1,
                ["Alexander Stubb"],
                "Stubb points to Russian military build-up near Finland",
                "Stubb said Russia was building up military infrastructure near the Finnish border and Finland was prepared.",
                "Russia is expanding bases close to Finland, Stubb warned, adding that the country is ready.",
            ),
            (
                2,
                ["Dmitry Peskov"],
                "Kremlin says Finland turned border into dividing line",
                "Peskov said Finland had turned a border of cooperation into a dividing line, and Russia would respond to NATO's expansion.",
                "The Finnish border has become a dividing line by Helsinki's choice, Peskov said, promising a response to NATO.",
            ),
        ],
    ),
]

# Sentences a brief may add to any story: background about a famous actor, not the story itself.
ASIDES = [
    ("Vladimir Putin", "Russia has not commented, and Vladimir Putin has not spoken about the matter publicly."),
    ("Volodymyr Zelensky", "Volodymyr Zelensky has repeatedly said that Ukraine needs more support from its allies."),
    ("Donald Trump", "Donald Trump has said he wants the war to end quickly."),
    ("Ursula von der Leyen", "Ursula von der Leyen has pledged continued EU support for the region."),
    ("Dmitry Peskov", "Dmitry Peskov said the Kremlin was following developments."),
]

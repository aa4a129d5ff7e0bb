/**
 * ISO 3166-1 alpha-2 territories (plus XK, Kosovo, as used in licensing) with the IANA time zone
 * a date-only window bound is read in, and a region used by the named groups. For territories
 * spanning several zones the zone is the one of the capital or the main broadcast market (US →
 * New York, CA → Toronto, AU → Sydney, BR → São Paulo, RU → Moscow); a grant or the engine options
 * can override it.
 *
 * Regions: EU Europe (with the Caucasus and Turkey), ME Middle East, AF Africa, AS Asia, OC
 * Oceania, NA Northern America, LA Latin America and the Caribbean, AN Antarctic and uninhabited.
 */
const TABLE = `
AD Europe/Andorra EU|AE Asia/Dubai ME|AF Asia/Kabul AS|AG America/Antigua LA|AI America/Anguilla LA|AL Europe/Tirane EU
AM Asia/Yerevan EU|AO Africa/Luanda AF|AQ Antarctica/McMurdo AN|AR America/Argentina/Buenos_Aires LA|AS Pacific/Pago_Pago OC
AT Europe/Vienna EU|AU Australia/Sydney OC|AW America/Aruba LA|AX Europe/Mariehamn EU|AZ Asia/Baku EU|BA Europe/Sarajevo EU
BB America/Barbados LA|BD Asia/Dhaka AS|BE Europe/Brussels EU|BF Africa/Ouagadougou AF|BG Europe/Sofia EU|BH Asia/Bahrain ME
BI Africa/Bujumbura AF|BJ Africa/Porto-Novo AF|BL America/St_Barthelemy LA|BM Atlantic/Bermuda NA|BN Asia/Brunei AS
BO America/La_Paz LA|BQ America/Kralendijk LA|BR America/Sao_Paulo LA|BS America/Nassau LA|BT Asia/Thimphu AS|BV Etc/UTC AN
BW Africa/Gaborone AF|BY Europe/Minsk EU|BZ America/Belize LA|CA America/Toronto NA|CC Indian/Cocos OC|CD Africa/Kinshasa AF
CF Africa/Bangui AF|CG Africa/Brazzaville AF|CH Europe/Zurich EU|CI Africa/Abidjan AF|CK Pacific/Rarotonga OC|CL America/Santiago LA
CM Africa/Douala AF|CN Asia/Shanghai AS|CO America/Bogota LA|CR America/Costa_Rica LA|CU America/Havana LA|CV Atlantic/Cape_Verde AF
CW America/Curacao LA|CX Indian/Christmas OC|CY Asia/Nicosia EU|CZ Europe/Prague EU|DE Europe/Berlin EU|DJ Africa/Djibouti AF
DK Europe/Copenhagen EU|DM America/Dominica LA|DO America/Santo_Domingo LA|DZ Africa/Algiers AF|EC America/Guayaquil LA
EE Europe/Tallinn EU|EG Africa/Cairo AF|EH Africa/El_Aaiun AF|ER Africa/Asmara AF|ES Europe/Madrid EU|ET Africa/Addis_Ababa AF
FI Europe/Helsinki EU|FJ Pacific/Fiji OC|FK Atlantic/Stanley LA|FM Pacific/Pohnpei OC|FO Atlantic/Faroe EU|FR Europe/Paris EU
GA Africa/Libreville AF|GB Europe/London EU|GD America/Grenada LA|GE Asia/Tbilisi EU|GF America/Cayenne LA|GG Europe/Guernsey EU
GH Africa/Accra AF|GI Europe/Gibraltar EU|GL America/Nuuk NA|GM Africa/Banjul AF|GN Africa/Conakry AF|GP America/Guadeloupe LA
GQ Africa/Malabo AF|GR Europe/Athens EU|GS Atlantic/South_Georgia AN|GT America/Guatemala LA|GU Pacific/Guam OC|GW Africa/Bissau AF
GY America/Guyana LA|HK Asia/Hong_Kong AS|HM Indian/Kerguelen AN|HN America/Tegucigalpa LA|HR Europe/Zagreb EU
HT America/Port-au-Prince LA|HU Europe/Budapest EU|ID Asia/Jakarta AS|IE Europe/Dublin EU|IL Asia/Jerusalem ME
IM Europe/Isle_of_Man EU|IN Asia/Kolkata AS|IO Indian/Chagos AS|IQ Asia/Baghdad ME|IR Asia/Tehran ME|IS Atlantic/Reykjavik EU
IT Europe/Rome EU|JE Europe/Jersey EU|JM America/Jamaica LA|JO Asia/Amman ME|JP Asia/Tokyo AS|KE Africa/Nairobi AF
KG Asia/Bishkek AS|KH Asia/Phnom_Penh AS|KI Pacific/Tarawa OC|KM Indian/Comoro AF|KN America/St_Kitts LA|KP Asia/Pyongyang AS
KR Asia/Seoul AS|KW Asia/Kuwait ME|KY America/Cayman LA|KZ Asia/Almaty AS|LA Asia/Vientiane AS|LB Asia/Beirut ME
LC America/St_Lucia LA|LI Europe/Vaduz EU|LK Asia/Colombo AS|LR Africa/Monrovia AF|LS Africa/Maseru AF|LT Europe/Vilnius EU
LU Europe/Luxembourg EU|LV Europe/Riga EU|LY Africa/Tripoli AF|MA Africa/Casablanca AF|MC Europe/Monaco EU|MD Europe/Chisinau EU
ME Europe/Podgorica EU|MF America/Marigot LA|MG Indian/Antananarivo AF|MH Pacific/Majuro OC|MK Europe/Skopje EU|ML Africa/Bamako AF
MM Asia/Yangon AS|MN Asia/Ulaanbaatar AS|MO Asia/Macau AS|MP Pacific/Saipan OC|MQ America/Martinique LA|MR Africa/Nouakchott AF
MS America/Montserrat LA|MT Europe/Malta EU|MU Indian/Mauritius AF|MV Indian/Maldives AS|MW Africa/Blantyre AF
MX America/Mexico_City LA|MY Asia/Kuala_Lumpur AS|MZ Africa/Maputo AF|NA Africa/Windhoek AF|NC Pacific/Noumea OC|NE Africa/Niamey AF
NF Pacific/Norfolk OC|NG Africa/Lagos AF|NI America/Managua LA|NL Europe/Amsterdam EU|NO Europe/Oslo EU|NP Asia/Kathmandu AS
NR Pacific/Nauru OC|NU Pacific/Niue OC|NZ Pacific/Auckland OC|OM Asia/Muscat ME|PA America/Panama LA|PE America/Lima LA
PF Pacific/Tahiti OC|PG Pacific/Port_Moresby OC|PH Asia/Manila AS|PK Asia/Karachi AS|PL Europe/Warsaw EU|PM America/Miquelon NA
PN Pacific/Pitcairn OC|PR America/Puerto_Rico LA|PS Asia/Gaza ME|PT Europe/Lisbon EU|PW Pacific/Palau OC|PY America/Asuncion LA
QA Asia/Qatar ME|RE Indian/Reunion AF|RO Europe/Bucharest EU|RS Europe/Belgrade EU|RU Europe/Moscow EU|RW Africa/Kigali AF
SA Asia/Riyadh ME|SB Pacific/Guadalcanal OC|SC Indian/Mahe AF|SD Africa/Khartoum AF|SE Europe/Stockholm EU|SG Asia/Singapore AS
SH Atlantic/St_Helena AF|SI Europe/Ljubljana EU|SJ Arctic/Longyearbyen EU|SK Europe/Bratislava EU|SL Africa/Freetown AF
SM Europe/San_Marino EU|SN Africa/Dakar AF|SO Africa/Mogadishu AF|SR America/Paramaribo LA|SS Africa/Juba AF|ST Africa/Sao_Tome AF
SV America/El_Salvador LA|SX America/Lower_Princes LA|SY Asia/Damascus ME|SZ Africa/Mbabane AF|TC America/Grand_Turk LA
TD Africa/Ndjamena AF|TF Indian/Kerguelen AN|TG Africa/Lome AF|TH Asia/Bangkok AS|TJ Asia/Dushanbe AS|TK Pacific/Fakaofo OC
TL Asia/Dili AS|TM Asia/Ashgabat AS|TN Africa/Tunis AF|TO Pacific/Tongatapu OC|TR Europe/Istanbul EU|TT America/Port_of_Spain LA
TV Pacific/Funafuti OC|TW Asia/Taipei AS|TZ Africa/Dar_es_Salaam AF|UA Europe/Kyiv EU|UG Africa/Kampala AF|UM Pacific/Wake OC
US America/New_York NA|UY America/Montevideo LA|UZ Asia/Tashkent AS|VA Europe/Vatican EU|VC America/St_Vincent LA
VE America/Caracas LA|VG America/Tortola LA|VI America/St_Thomas LA|VN Asia/Ho_Chi_Minh AS|VU Pacific/Efate OC|WF Pacific/Wallis OC
WS Pacific/Apia OC|XK Europe/Belgrade EU|YE Asia/Aden ME|YT Indian/Mayotte AF|ZA Africa/Johannesburg AF|ZM Africa/Lusaka AF
ZW Africa/Harare AF`;

/** A territory: code, default zone, region. */
export interface TerritoryInfo {
  readonly code: string;
  readonly zone: string;
  readonly region: 'EU' | 'ME' | 'AF' | 'AS' | 'OC' | 'NA' | 'LA' | 'AN';
}

/** Every territory, sorted by code; a territory's index is its position here. */
export const TERRITORIES: readonly TerritoryInfo[] = Object.freeze(
  TABLE.trim()
    .split(/[|\n]/)
    .map((row) => {
      const [code, zone, region] = row.trim().split(' ') as [string, string, TerritoryInfo['region']];
      return Object.freeze({ code, zone, region });
    })
    .sort((a, b) => (a.code < b.code ? -1 : 1)),
);

const EU27 = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE';
const byRegion = (...regions: string[]) => TERRITORIES.filter((t) => regions.includes(t.region)).map((t) => t.code);

/** Named territory groups, as licensing deals write them. Custom groups can be added per engine. */
export const TERRITORY_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  WORLD: TERRITORIES.map((t) => t.code),
  EUROPE: byRegion('EU'),
  EU: EU27.split(' '),
  EEA: [...EU27.split(' '), 'IS', 'LI', 'NO'],
  EMEA: byRegion('EU', 'ME', 'AF'),
  MENA: [...byRegion('ME'), 'DZ', 'EG', 'LY', 'MA', 'TN'],
  APAC: byRegion('AS', 'OC'),
  LATAM: byRegion('LA'),
  NORTH_AMERICA: ['US', 'CA'],
  US_TERRITORIES: ['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM'],
  DACH: ['DE', 'AT', 'CH', 'LI'],
  NORDICS: ['DK', 'FI', 'IS', 'NO', 'SE', 'FO', 'AX'],
  BENELUX: ['BE', 'NL', 'LU'],
  UKI: ['GB', 'IE', 'IM', 'JE', 'GG'],
  ANZ: ['AU', 'NZ'],
  SEA: ['BN', 'KH', 'ID', 'LA', 'MY', 'MM', 'PH', 'SG', 'TH', 'TL', 'VN'],
  CIS: ['RU', 'BY', 'KZ', 'KG', 'TJ', 'UZ', 'AM', 'AZ', 'MD'],
});
